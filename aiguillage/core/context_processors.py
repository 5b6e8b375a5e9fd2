from aiguillage.core.models import DEFAULT_THEME_COLOR
from aiguillage.core.selectors import CURRENT_NETWORK_SESSION_KEY, networks_for_user


def current_network(request):
    """The network of the page, else the last one visited (re-checked against memberships)."""
    network = getattr(request, "network", None)
    if network is not None:
        return network
    slug = request.session.get(CURRENT_NETWORK_SESSION_KEY) if hasattr(request, "session") else None
    if slug and request.user.is_authenticated:
        return networks_for_user(request.user).filter(slug=slug).first()
    return None


def nav_section(request) -> str:
    """Which main navigation entry the page belongs to (for aria-current)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.app_name in ("catalog", "directory"):
        return match.app_name
    if match.url_name == "network_home":
        return "home"
    return ""


def layout(request):
    """What the base layout needs: the current network's name, logo and colour."""
    network = current_network(request)
    return {
        "current_network": network,
        "theme_color": network.theme_color if network else DEFAULT_THEME_COLOR,
        "nav_section": nav_section(request),
    }
