"""Workshops: the list, create and edit (sessions, seats, waiting list, status), one
workshop with its registrations, registering someone at the desk, cancelling a
registration, attendance per session and the printable attendance sheet.

Every active member reads them, registers people and takes attendance;
coordinators, librarians and digital mediators create and edit workshops.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aiguillage.accounts import staff_acts
from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action, request_can, request_role
from aiguillage.agenda import rules, staff_selectors
from aiguillage.agenda.forms import (
    AttendanceForm,
    WorkshopForm,
    session_formset,
    session_initial,
)
from aiguillage.agenda.models import (
    CancelledBy,
    Channel,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)
from aiguillage.agenda.services.desk import register_at_desk
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.services.workshops import (
    cancel_registration,
    record_session_attendance,
    save_workshop,
)
from aiguillage.agenda.views.common import may_edit, posted_again
from aiguillage.agenda.visitor_form import VisitorForm, done_or_refused
from aiguillage.core.shortcuts import or_404

SESSIONS_PREFIX = "seances"
CONFIRM_FIELD = "confirm_cancel"
BLANK_SHEET_ROWS = 4  # for people who come without registering


def _start_of_today() -> datetime.datetime:
    return datetime.datetime.combine(
        timezone.localdate(), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


@network_view(action=Action.AGENDA_VIEW)
def workshop_list(request, network) -> HttpResponse:
    past = request.GET.get("passes") == "1"
    context = {
        "network": network,
        "workshops": staff_selectors.workshops_of(
            network=network, since=_start_of_today(), past=past
        ),
        "past": past,
        "may_edit": may_edit(request),
    }
    return render(request, "agenda/staff/workshops.html", context)


def _workshop_page(
    request, network, workshop: Workshop | None, *, source: Workshop | None = None
) -> HttpResponse:
    """Create (``workshop`` None), edit, or create a copy of ``source``: its fields as
    they are (a cancelled one as a draft), new session dates to enter."""
    editing = workshop is not None
    status_before = workshop.status if editing else None
    data = request.POST if request.method == "POST" else None
    form = WorkshopForm(data, instance=workshop, network=network, initial=_copied(source))
    sessions = session_formset(extra=2 if editing else 3)(
        data, prefix=SESSIONS_PREFIX, initial=session_initial(workshop) if editing else None
    )
    context = {
        "network": network,
        "workshop": workshop,
        "source": source,
        "form": form,
        "sessions": sessions,
    }
    if data is None or "back" in data or not (form.is_valid() & sessions.is_valid()):
        return render(request, "agenda/staff/workshop_form.html", context)
    cancelling = (
        editing
        and form.instance.status == WorkshopStatus.CANCELLED
        and status_before != WorkshopStatus.CANCELLED
    )
    registered = staff_selectors.active_registrations(workshop) if cancelling else 0
    if registered and CONFIRM_FIELD not in data:
        context |= {
            "registered": registered,
            "posted": posted_again(request, confirm_field=CONFIRM_FIELD),
            "confirm_field": CONFIRM_FIELD,
        }
        return render(request, "agenda/staff/workshop_confirm.html", context)
    try:
        saved = save_workshop(  # journals and tells the people concerned
            workshop=form.instance,
            sessions=sessions.windows(),
            needs=[need.pk for need in form.cleaned_data["needs"]],
            now=timezone.now(),
            actor=request.user,
        )
    except AgendaError as error:
        form.add_error(None, str(error))
        return render(request, "agenda/staff/workshop_form.html", context)
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return render(request, "agenda/staff/workshop_form.html", context)
    messages.success(request, _saved_message(editing, saved))
    return redirect("agenda:workshop_detail", network.slug, saved.workshop.pk)


def _copied(source: Workshop | None) -> dict | None:
    if source is None:
        return None
    initial = model_to_dict(source, fields=WorkshopForm._meta.fields)
    if source.status == WorkshopStatus.CANCELLED:
        initial["status"] = WorkshopStatus.DRAFT
    return initial


def _saved_message(editing: bool, saved) -> str:
    if saved.cancelled:
        n = len(saved.cancelled)
        return ngettext(
            "L'atelier est annulé ; %(n)s personne inscrite est prévenue.",
            "L'atelier est annulé ; %(n)s personnes inscrites sont prévenues.",
            n,
        ) % {"n": n}
    if saved.promoted:
        n = len(saved.promoted)
        return ngettext(
            "L'atelier est enregistré ; %(n)s personne sort de la liste d'attente et est prévenue.",
            "L'atelier est enregistré ; %(n)s personnes sortent de la liste d'attente et sont "
            "prévenues.",
            n,
        ) % {"n": n}
    return _("L'atelier est enregistré.") if editing else _("L'atelier est créé.")


@network_view(action=Action.AGENDA_EDIT)
def workshop_new(request, network) -> HttpResponse:
    return _workshop_page(request, network, None)


@network_view(action=Action.AGENDA_EDIT)
def workshop_edit(request, network, workshop_id: int) -> HttpResponse:
    workshop = or_404(staff_selectors.get_workshop, network=network, pk=workshop_id)
    return _workshop_page(request, network, workshop)


@network_view(action=Action.AGENDA_EDIT)
def workshop_copy(request, network, workshop_id: int) -> HttpResponse:
    """A new cycle from an existing workshop: the same fields, new session dates."""
    source = or_404(staff_selectors.get_workshop, network=network, pk=workshop_id)
    return _workshop_page(request, network, None, source=source)


@network_view(action=Action.AGENDA_BOOK)
def workshop_detail(request, network, workshop_id: int) -> HttpResponse:
    workshop = or_404(staff_selectors.get_workshop, network=network, pk=workshop_id)
    people = staff_selectors.people_of(workshop)
    if request_can(request, Action.CONTACT_VIEW):  # the page shows their contacts
        reachable = [r.pk for r in (*people.confirmed, *people.waiting) if r.email or r.phone]
        staff_acts.contact_viewed(
            network=network, actor=request.user, role=request_role(request), obj=workshop,
            registrations=reachable,
        )  # fmt: skip
    context = {
        "network": network,
        "workshop": workshop,
        "people": people,
        "sessions": list(workshop.sessions.all()),
        # Who came to each session: first names, for the roles that see people's names.
        "attendance": staff_selectors.attendance_by_session(workshop)
        if request_can(request, Action.AGENDA_BOOK)
        else [],
        "may_register": _may_register(workshop),
        "may_edit": may_edit(request),
        "now": timezone.now(),
    }
    return render(request, "agenda/staff/workshop_detail.html", context)


def _may_register(workshop: Workshop) -> bool:
    return rules.takes_registrations(workshop, channel=Channel.DESK, now=timezone.now())


@network_view(action=Action.AGENDA_BOOK)
def workshop_register(request, network, workshop_id: int) -> HttpResponse:
    workshop = or_404(staff_selectors.get_workshop, network=network, pk=workshop_id)
    form = VisitorForm(request.POST or None, contact_required=False)  # at the desk
    if request.method == "POST" and form.is_valid():
        registration = done_or_refused(
            form,
            lambda: register_at_desk(workshop=workshop, visitor=form.visitor, actor=request.user),
        )
        if registration is not None:
            messages.success(request, _registered_message(registration, form))
            return redirect("agenda:workshop_detail", network.slug, workshop.pk)
    context = {
        "network": network,
        "workshop": workshop,
        "form": form,
        "may_register": _may_register(workshop),
    }
    return render(request, "agenda/staff/workshop_register.html", context)


def _registered_message(registration: Registration, form: VisitorForm) -> str:
    if registration.status == RegistrationStatus.CONFIRMED:
        said = _("Inscription confirmée pour %(name)s.") % {"name": registration.first_name}
        return f"{said} {form.confirmation_note()}"
    # The order of the waiting list: who came first, then who was written first.
    position = Registration.objects.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lte=registration.pk),
        workshop_id=registration.workshop_id,
        status=RegistrationStatus.WAITLISTED,
    ).count()
    said = _("L'atelier est complet : %(name)s est en liste d'attente (position %(position)s).") % {
        "name": registration.first_name,
        "position": position,
    }
    return f"{said} {form.confirmation_note()}"


@network_view(action=Action.AGENDA_BOOK)
def registration_cancel(request, network, registration_id: int) -> HttpResponse:
    registration = or_404(staff_selectors.get_registration, network=network, pk=registration_id)
    workshop = registration.workshop
    active = registration.status != RegistrationStatus.CANCELLED
    if request.method == "POST":
        if not active:
            messages.error(request, _("Cette inscription était déjà annulée."))
            return redirect("agenda:workshop_detail", network.slug, workshop.pk)
        now = timezone.now()
        promoted = cancel_registration(  # journaled and told by the service, once
            registration=registration,
            cancelled_by=CancelledBy.STAFF,
            now=now,
            actor=request.user,
            via="registration_page",
        )
        text = _("L'inscription est annulée ; la personne est prévenue.")
        if promoted is not None:
            text += " " + _(
                "%(name)s sort de la liste d'attente, obtient la place et en est prévenu·e."
            ) % {"name": promoted.first_name}
        messages.success(request, text)
        return redirect("agenda:workshop_detail", network.slug, workshop.pk)
    context = {
        "network": network,
        "registration": registration,
        "workshop": workshop,
        "active": active,
    }
    return render(request, "agenda/staff/registration_cancel.html", context)


@network_view(action=Action.AGENDA_BOOK)
def session_attendance(request, network, session_id: int) -> HttpResponse:
    session = or_404(staff_selectors.get_session, network=network, pk=session_id)
    workshop = session.workshop
    people = staff_selectors.confirmed_of(workshop)
    recorded = staff_selectors.attendance_of(session)
    initial = {"present": [str(pk) for pk, came in recorded.items() if came]}
    form = AttendanceForm(request.POST or None, registrations=people, initial=initial)
    started = rules.has_started(session.starts_at, timezone.now())
    if request.method == "POST" and form.is_valid():
        try:
            came = record_session_attendance(
                session=session, present=form.present_ids(), now=timezone.now()
            )
        except AgendaError as error:
            messages.error(request, str(error))
            return redirect("agenda:workshop_detail", network.slug, workshop.pk)
        messages.success(
            request,
            _("Présences enregistrées : %(came)s sur %(total)s.")
            % {"came": came, "total": len(people)},
        )
        return redirect("agenda:workshop_detail", network.slug, workshop.pk)
    context = {
        "network": network,
        "session": session,
        "workshop": workshop,
        "people": people,
        "form": form,
        "taken": bool(recorded),
        "started": started,
    }
    return render(request, "agenda/staff/session_attendance.html", context)


@network_view(action=Action.AGENDA_BOOK)
def workshop_sheet(request, network, workshop_id: int) -> HttpResponse:
    workshop = or_404(staff_selectors.get_workshop, network=network, pk=workshop_id)
    sessions = list(workshop.sessions.all())
    wanted = request.GET.get("seance", "")
    if wanted.isdecimal():
        sessions = [s for s in sessions if s.pk == int(wanted)] or sessions
    context = {
        "network": network,
        "workshop": workshop,
        "sessions": sessions,
        "people": staff_selectors.confirmed_of(workshop),
        "blank_rows": range(BLANK_SHEET_ROWS),
    }
    return render(request, "agenda/staff/workshop_sheet.html", context)
