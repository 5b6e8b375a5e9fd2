from django.urls import path

from aiguillage.directory.views import coverage, imports, partners, search, structures

app_name = "directory"

urlpatterns = [
    path("", search.directory_search, name="search"),
    path("structures/<int:structure_id>/", structures.structure_detail, name="structure_detail"),
    path(
        "structures/<int:structure_id>/modifier/",
        structures.structure_edit,
        name="structure_edit",
    ),
    path("partenaires/", partners.partner_list, name="partners"),
    path("partenaires/prospect/", partners.partner_prospect, name="partner_prospect"),
    path("partenaires/<int:partnership_id>/", partners.partner_detail, name="partner_detail"),
    path(
        "partenaires/<int:partnership_id>/modifier/",
        partners.partner_edit,
        name="partner_edit",
    ),
    path(
        "partenaires/<int:partnership_id>/contacts/",
        partners.partner_contact_add,
        name="partner_contact_add",
    ),
    path(
        "partenaires/<int:partnership_id>/contacts/<int:contact_id>/retirer/",
        partners.partner_contact_remove,
        name="partner_contact_remove",
    ),
    path("couverture/territoire/ajouter/", coverage.territory_add, name="territory_add"),
    path("couverture/territoire/retirer/", coverage.territory_remove, name="territory_remove"),
    path("import/", imports.import_page, name="import"),
    path("import/confirmer/", imports.import_confirm, name="import_confirm"),
    path("import/annuler/", imports.import_cancel, name="import_cancel"),
]
