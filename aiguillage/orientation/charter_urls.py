"""The charter pages, under /r/<network>/orientation/charte/ (coordinators edit)."""

urlpatterns: list = []
