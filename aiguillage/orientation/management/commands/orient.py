"""``orient``: the orientation engine from the command line, as the desk would answer.

The same engine and the same serialisation (``--json``) as the desk and the API, so
an answer can be checked, scripted or compared without a browser.
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership
from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import MAX_QUERY_LENGTH
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Commune
from aiguillage.orientation.engine import Orientation, orient
from aiguillage.orientation.serialize import orientation_to_dict
from aiguillage.orientation.situation import Autonomy, Lack, Situation, SituationError, Support

YEARS = (2000, 2100)  # as the API: dates outside are typing errors


def _values(choices) -> str:
    return ", ".join(choices.values)


class Command(BaseCommand):
    help = (
        "Ask the orientation engine where a person should go for a need (démarche), from a "
        "site of the network or from the person's commune, and print the ranked, explained "
        "recommendations: mode, target, reasons, warnings and score; then the global "
        "warnings, the checklist and the modes left out and why. Without --staff the answer "
        "is the library's (what any role may do); with --staff, what that person at the "
        "desk may do; with --public, what the public page and GET /api/v1/orientation "
        "answer. --json prints the same JSON as the API. Exits 1 on a bad parameter."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument(
            "--need",
            metavar="SLUG",
            help="The need's slug in the catalog, e.g. declarer-ses-revenus (see /api/v1/needs).",
        )
        what.add_argument(
            "--query",
            metavar="TEXT",
            help="What the person says, in words (e.g. 'impots revenus'): the best match of "
            "the need search is used, the next ones are listed as alternatives.",
        )
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument(
            "--site",
            metavar="SLUG",
            help="The site where the desk is (its slug). Site slugs are unique within a "
            "network only: give --network when several networks have this slug.",
        )
        where.add_argument(
            "--commune",
            metavar="INSEE",
            help="The person's commune (INSEE code, e.g. 34142), as on the public page. "
            "Needs --network unless there is only one network.",
        )
        parser.add_argument(
            "--network",
            metavar="SLUG",
            help="The network whose charter, permanences and workshops are used.",
        )
        parser.add_argument(
            "--autonomy",
            default="",
            metavar="LEVEL",
            help=f"The person's autonomy with digital tools: one of {_values(Autonomy)}.",
        )
        parser.add_argument(
            "--lacks",
            default="",
            metavar="LIST",
            help=f"What the person lacks, comma-separated: {_values(Lack)}.",
        )
        parser.add_argument(
            "--support",
            default="",
            metavar="LIST",
            help=f"Specific support needed, comma-separated: {_values(Support)}.",
        )
        parser.add_argument(
            "--french-not-mastered",
            action="store_true",
            help="The person does not master French.",
        )
        parser.add_argument(
            "--first-time",
            action="store_true",
            help="The person does this démarche for the first time.",
        )
        parser.add_argument(
            "--deadline",
            metavar="YYYY-MM-DD",
            help="The last day the démarche can be done (the day is included).",
        )
        parser.add_argument(
            "--staff",
            metavar="EMAIL",
            help="The e-mail of the staff member at the desk: the answer follows their role "
            "and habilitations (an active member of the network). Not with --public.",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="Answer as the public page and the API do: only orient, partner permanences "
            "bookable online and workshops open to online registration, public sites only.",
        )
        parser.add_argument(
            "--at",
            metavar="ISO",
            help="The moment of the question, ISO 8601 (2026-12-01T10:00 or with its offset; "
            "a date alone is its midnight; naive times are in the project's time zone). "
            "Default: now.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the answer as JSON (the shape of GET /api/v1/orientation); the "
            "one-line summary goes to standard error.",
        )

    def handle(self, *args, **options):
        if options["staff"] and options["public"]:
            raise CommandError(_("--staff et --public ne vont pas ensemble."))
        situation = self._situation(options)
        at = _moment(options["at"]) if options["at"] else None
        query = (options["query"] or "").strip()
        if options["query"] is not None and not query:
            raise CommandError(_("--query est vide."))
        if len(query) > MAX_QUERY_LENGTH:
            raise CommandError(
                _("--query : %(max)s caractères au plus.") % {"max": MAX_QUERY_LENGTH}
            )
        public = options["public"]
        network = self._network(options["network"])
        site = commune = None
        if options["site"]:
            site = self._site(options["site"], network, public=public)
            network = site.network
        else:
            commune = self._commune(options["commune"])
            network = network or self._only_network()
        need = self._need(options["need"]) if options["need"] else None
        membership = self._membership(options["staff"], network) if options["staff"] else None
        result = orient(
            network=network,
            need=need,
            query=query,
            situation=situation,
            site=site,
            commune=commune,
            at=at,
            membership=membership,
            public=public,
        )
        if options["json"]:
            self.stdout.write(json.dumps(orientation_to_dict(result), ensure_ascii=False, indent=2))
            self.stderr.write(_summary(result))
        else:
            self.stdout.write(_human(result))
            self.stdout.write(_summary(result))

    # --- reading the parameters ---------------------------------------------------------

    def _situation(self, options) -> Situation:
        deadline = None
        if options["deadline"]:
            try:
                deadline = datetime.date.fromisoformat(options["deadline"])
            except ValueError:
                raise CommandError(
                    _("--deadline : une date AAAA-MM-JJ est attendue, par exemple 2026-12-01.")
                ) from None
        try:
            return Situation.parse(
                autonomy=options["autonomy"],
                lacks=options["lacks"],
                support=options["support"],
                french_not_mastered=options["french_not_mastered"],
                deadline=deadline,
                first_time=options["first_time"],
            )
        except SituationError as exc:
            raise CommandError(str(exc)) from None

    def _network(self, slug: str | None) -> Network | None:
        if not slug:
            return None
        network = Network.objects.active().filter(slug=slug).first()
        if network is None:
            raise CommandError(
                _("Aucun réseau actif n'a l'identifiant « %(slug)s ».") % {"slug": slug}
            )
        return network

    def _site(self, slug: str, network: Network | None, *, public: bool) -> Site:
        """The site of that slug, within ``network`` when given; a public one with
        ``--public`` (as the API)."""
        sites = (Site.objects.public() if public else Site.objects.active()).filter(slug=slug)
        if network is not None:
            sites = sites.filter(network=network)
        found = list(sites.select_related("network")[:2])
        if not found:
            if network is not None:
                raise CommandError(
                    _("Le réseau « %(network)s » n'a aucun site actif « %(slug)s ».")
                    % {"network": network.slug, "slug": slug}
                )
            raise CommandError(
                _("Aucun site actif n'a l'identifiant « %(slug)s ».") % {"slug": slug}
            )
        if len(found) > 1:
            raise CommandError(
                _("Plusieurs réseaux ont un site « %(slug)s » : précisez le réseau (--network).")
                % {"slug": slug}
            )
        return found[0]

    def _commune(self, code: str) -> Commune:
        commune = Commune.objects.located().filter(insee_code=code.strip().upper()).first()
        if commune is None:
            raise CommandError(
                _("Aucune commune localisée n'a le code INSEE « %(code)s ».") % {"code": code}
            )
        return commune

    def _only_network(self) -> Network:
        networks = list(Network.objects.active()[:2])
        if len(networks) == 1:
            return networks[0]
        if not networks:
            raise CommandError(_("Aucun réseau actif."))
        raise CommandError(
            _("Précisez le réseau (--network) dont l'offre est cherchée pour cette commune.")
        )

    def _need(self, slug: str) -> Need:
        need = Need.objects.for_search().filter(slug=slug).first()
        if need is None:
            raise CommandError(
                _("Aucune démarche active du catalogue n'a l'identifiant « %(slug)s ».")
                % {"slug": slug}
            )
        return need

    def _membership(self, email: str, network: Network) -> Membership:
        membership = (
            Membership.objects.active()
            .of_network(network)
            .filter(user__email__iexact=email.strip())
            .select_related("user")
            .first()
        )
        if membership is None:
            raise CommandError(
                _("« %(email)s » n'est pas membre actif du réseau « %(network)s ».")
                % {"email": email, "network": network.slug}
            )
        return membership


def _moment(value: str) -> datetime.datetime:
    """An ISO 8601 date or date-time; a naive one is in the project's time zone."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time())
        else:
            moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _(
                "--at : une date ISO 8601 est attendue, par exemple 2026-12-01 ou "
                "2026-12-01T14:00+01:00."
            )
        ) from None
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise CommandError(
            _("--at : une date entre %(first)s et %(last)s est attendue.")
            % {"first": YEARS[0], "last": YEARS[1]}
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- printing ---------------------------------------------------------------------------


def _human(result: Orientation) -> str:
    lines: list[str] = []
    if result.need is not None:
        lines.append(
            _("Besoin : %(need)s (%(theme)s)")
            % {"need": result.need.name, "theme": result.need.theme_name}
        )
    else:
        lines.append(_("Besoin : aucun ne correspond à « %(query)s »") % {"query": result.query})
    if result.alternatives:
        lines.append(
            _("Ou peut-être : %(needs)s")
            % {"needs": ", ".join(f"{a.name} ({a.slug})" for a in result.alternatives)}
        )
    if result.origin is not None and result.at is not None:
        lines.append(
            _("Depuis : %(place)s, le %(when)s")
            % {
                "place": result.origin.label,
                "when": formats.date_format(result.at, "l j F Y à H:i"),
            }
        )
    lines.append("")
    for number, recommendation in enumerate(result.recommendations, start=1):
        lines.append(
            f"{number}. [{recommendation.mode_label}] {recommendation.title}"
            + "  "
            + _("(score %(total)s)") % {"total": recommendation.score.total}
        )
        lines += [f"   - {reason}" for reason in recommendation.reasons]
        lines += [f"   ! {warning}" for warning in recommendation.warnings]
    if result.unmet:
        lines.append(_("Aucune solution :"))
        lines += [f"  - {reason}" for reason in result.unmet_reasons]
    for heading, items in (
        (_("Avertissements :"), result.warnings),
        (_("À prévoir :"), result.checklist),
    ):
        if items:
            lines += ["", heading]
            lines += [f"  - {item}" for item in items]
    if result.excluded:
        lines += ["", _("Modes écartés :")]
        lines += [f"  - {item.label} : {' '.join(item.reasons)}" for item in result.excluded]
    lines.append("")
    return "\n".join(lines)


def _summary(result: Orientation) -> str:
    if result.need is None:
        return _("orient : aucun besoin ne correspond à « %(query)s ».") % {"query": result.query}
    if result.unmet:
        return _("orient : aucune solution pour « %(need)s ».") % {"need": result.need.name}
    return _("orient : %(count)s recommandation(s) pour « %(need)s », d'abord « %(first)s ».") % {
        "count": len(result.recommendations),
        "need": result.need.name,
        "first": result.recommendations[0].title,
    }
