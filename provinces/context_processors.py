"""Template context for the province switcher in the navigation bar."""

from functools import cached_property

from provinces.access import Perm, has_global_perm, provinces_for_user
from targa.core.ordering import NaturalName


class NavProvinces:
    """The user's provinces and the current one, queried once and only if a template asks."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def all(self):
        return list(provinces_for_user(self.request.user).order_by(NaturalName())[:100])

    @cached_property
    def is_admin(self) -> bool:
        return has_global_perm(self.request.user, Perm.MANAGE)

    @cached_property
    def current(self):
        """The province on screen if the page is one of a province, else the one last chosen."""
        from provinces.selectors import pick_current

        match = getattr(self.request, "resolver_match", None)
        code = match.kwargs.get("code") if match else None
        for province in self.all:
            if province.code == code:
                return province
        return pick_current(self.all, self.request.session)


def province_switcher(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_provinces": NavProvinces(request)}
