from django.urls import path

from aiguillage.directory.views import imports, search, structures

app_name = "directory"

urlpatterns = [
    path("", search.directory_search, name="search"),
    path("structures/<int:structure_id>/", structures.structure_detail, name="structure_detail"),
    path(
        "structures/<int:structure_id>/modifier/", structures.structure_edit, name="structure_edit"
    ),
    path("import/", imports.import_page, name="import"),
    path("import/confirmer/", imports.import_confirm, name="import_confirm"),
    path("import/annuler/", imports.import_cancel, name="import_cancel"),
]
