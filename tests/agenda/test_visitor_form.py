from aiguillage.agenda.visitor_form import VisitorForm


def test_valid_contact_is_normalised():
    form = VisitorForm(data={"first_name": "  Rose ", "phone": "06 12 34 56 78"})
    assert form.is_valid(), form.errors
    assert form.visitor.first_name == "Rose"
    assert form.visitor.phone == "+33612345678"
    assert form.visitor.consent_reminders is False


def test_errors_land_on_the_fields_typed_and_keep_the_values():
    form = VisitorForm(data={"first_name": "Rose", "phone": "12", "email": "pas-un-mail"})
    assert not form.is_valid()
    assert "phone" in form.errors
    assert "email" in form.errors
    assert form["phone"].value() == "12"


def test_a_way_to_reach_the_person_is_required():
    form = VisitorForm(data={"first_name": "Rose"})
    assert not form.is_valid()
    assert list(form.errors) == ["email"]
