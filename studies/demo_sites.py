"""Sites of the demo studies, so that "near me" finds and sorts them. Every facility is made up.

Each demo study runs at our own centre (Lebanon, NH) first; the bigger designs add other US sites
and, for multicentre trials, sites abroad. US points come from the finder's own offline ZIP table
(``geocode``), so a search near a ZIP code measures the distance the way a real one does.
"""

from __future__ import annotations

from .geocode import US_STATES, locate
from .models import Location, Study

OUR_ZIP = "03756"  # the hospital, Lebanon, NH (as the scale data and the finder's placeholder)

# (facility, ZIP code) of other US sites, nearest to the hospital's region first.
US_SITES = [
    ("Beacon Hill Research Clinic (synthetic)", "02114"),
    ("Seacoast Clinical Research Unit (synthetic)", "03801"),
    ("Merrimack Valley Trials Center (synthetic)", "03101"),
    ("Champlain Research Clinic (synthetic)", "05401"),
    ("Casco Bay Research Institute (synthetic)", "04101"),
    ("Central Massachusetts Trials Unit (synthetic)", "01608"),
    ("Charles River Research Clinic (synthetic)", "02139"),
    ("Narragansett Clinical Research (synthetic)", "02903"),
    ("Capitol Region Research Center (synthetic)", "06106"),
    ("Midtown Clinical Trials Unit (synthetic)", "10016"),
    ("Schuylkill Research Hospital (synthetic)", "19104"),
    ("Lakeshore Clinical Research (synthetic)", "60611"),
    ("Bayou Medical Research Center (synthetic)", "77030"),
    ("Puget Sound Trials Clinic (synthetic)", "98104"),
]
# (facility, city, region, country, latitude, longitude): sites abroad, outside the US ZIP table.
ABROAD = [
    ("Lakeshore Research Hospital (synthetic)", "Toronto", "Ontario", "Canada", 43.6532, -79.3832),
    ("Hôpital de recherche du Plateau (synthetic)", "Montréal", "Quebec", "Canada", 45.5019, -73.5674),
    ("Thames Clinical Research Centre (synthetic)", "London", "", "United Kingdom", 51.5074, -0.1278),
    ("Hospital de Investigación del Retiro (synthetic)", "Madrid", "", "Spain", 40.4168, -3.7038),
]
# How many other US sites and sites abroad each design has (a first-in-human study runs here only).
SITES_BY_DESIGN = {"first_in_human": (0, 0), "phase_2": (2, 0), "phase_3": (5, 2), "phase_4": (3, 1),
                   "programme": (1, 0), "observational": (2, 0)}


def _site_status(study: Study) -> str:
    open_statuses = (Study.Status.RECRUITING, Study.Status.NOT_YET_RECRUITING)
    return study.status if study.status in open_statuses else Study.Status.ACTIVE_NOT_RECRUITING


def _us_site(study: Study, facility: str, zip_code: str, order: int, *, ours: bool = False) -> Location:
    place = locate(zip_code)
    city, state = place.label.split("(", 1)[1].rstrip(")").rsplit(", ", 1)
    return Location(study=study, facility=facility, city=city, state=US_STATES[state], zip_code=zip_code,
                    country="United States", status=_site_status(study), latitude=place.latitude,
                    longitude=place.longitude, is_ours=ours, order=order)


def sites_for(study: Study, design: str, index: int) -> list[Location]:
    """Our centre first, then the design's share of the other US sites and of the sites abroad,
    taken in turn from ``index`` so that the studies spread over every site."""
    us, abroad = SITES_BY_DESIGN.get(design, (1, 0))
    sites = [_us_site(study, study.center.name, OUR_ZIP, 0, ours=True)]
    for k in range(us):
        facility, zip_code = US_SITES[(index + k * 3) % len(US_SITES)]
        sites.append(_us_site(study, facility, zip_code, len(sites)))
    for k in range(abroad):
        facility, city, region, country, latitude, longitude = ABROAD[(index + k) % len(ABROAD)]
        sites.append(Location(study=study, facility=facility, city=city, state=region, country=country,
                              status=_site_status(study), latitude=latitude, longitude=longitude, order=len(sites)))
    return sites


def add_sites(studies: list[tuple[Study, str]]) -> int:
    """Give each (study, design) that has no site yet its sites; a second run adds nothing."""
    with_sites = set(Location.objects.filter(study__in=[s for s, _ in studies]).values_list("study_id", flat=True))
    new = [site for index, (study, design) in enumerate(studies) if study.pk not in with_sites
           for site in sites_for(study, design, index)]
    Location.objects.bulk_create(new)
    return len(new)
