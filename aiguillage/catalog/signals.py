"""Cache invalidation only: any change to the catalog drops the search index."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save


def _drop_index(**_kwargs) -> None:
    from aiguillage.catalog.selectors import clear_need_index

    clear_need_index()


def connect() -> None:
    from aiguillage.catalog.models import Need, Operator, Theme

    for model in (Need, Operator, Theme):
        post_save.connect(
            _drop_index, sender=model, dispatch_uid=f"need-index-save-{model.__name__}"
        )
        post_delete.connect(
            _drop_index, sender=model, dispatch_uid=f"need-index-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _drop_index, sender=Need.operators.through, dispatch_uid="need-index-operators"
    )
