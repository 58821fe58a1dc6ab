"""The service catalogue's tables: the services each entity lists, the national declared levels,
and where the two disagree. Written by the crawl."""

from __future__ import annotations

from crawler.core import status as st
from crawler.core.schema import ENTITY, QUARTER, Column, MigrationSet, Table

SERVICES_SET = MigrationSet("services")

LEVELS = "full, partial, info_only, none, unknown"

SERVICES = SERVICES_SET.table(
    Table(
        "services",
        "The online public services each entity's catalogue lists.",
        [
            QUARTER,
            Column("url", str, "Procedure page URL as the catalogue lists it."),
            ENTITY,
            Column("name", str, "Procedure name."),
            Column("code", str, "Procedure code (mã TTHC)."),
            Column(
                "declared",
                str,
                "Declared level: full (toàn trình, level 4), partial "
                "(một phần, level 3), info_only, none, unknown.",
            ),
            Column("declared_raw", str, "The badge text or number as shown."),
            Column("source", str, "static (HTML list), json (API) or browser (rendered)."),
            Column("catalogue_url", str, "Catalogue page or endpoint."),
            Column("tt32_fields", str, "TT32 fields the procedure page shows (JSON list)."),
            Column("found_at", str, "When (UTC)."),
        ],
        pk=("quarter", "url"),
        indexes=[("quarter", "entity_id")],
    )
)

DECLARED_SERVICES = SERVICES_SET.table(
    Table(
        "declared_services",
        "Declared level of each service at each agency, from the national portal's per-agency "
        "rows (the reference declared level).",
        [
            QUARTER,
            ENTITY,
            Column(
                "service_code",
                str,
                "Service code on the national portal (mã DVC, e.g. 1.004222.01).",
            ),
            Column(
                "agency_code", str, "National code of the agency that provides it (e.g. H26.105)."
            ),
            Column("agency_name", str, "Agency name as the national portal writes it."),
            Column("name", str, "Service name."),
            Column("declared", str, f"Declared level: {LEVELS}."),
            Column(
                "declared_raw",
                str,
                "The level as the answer gives it (FULL, Toàn trình, MUC_DO_4 ...).",
            ),
            Column(
                "status",
                str,
                "In service (chính thức) or on trial (đang thử nghiệm).",
                values=st.ServiceStatus,
            ),
            Column("status_raw", str, "The status as the answer gives it."),
            Column(
                "citizen_url",
                str,
                "Where Nộp trực tuyến sends the citizen (deep link with the national codes).",
            ),
            Column(
                "family",
                str,
                "Platform family of the citizen URL (nps_apply, muc_do_server, opencps ...).",
            ),
            Column(
                "sign_in",
                str,
                "vneid / vnconnect when the link asks for the national sign-in first.",
            ),
            Column("adapter", str, "Catalogue adapter that read the row (crawler/catalogues)."),
            Column("catalogue_url", str, "API endpoint or saved answer the row came from."),
            Column("found_at", str, "When (UTC)."),
        ],
        pk=("quarter", "entity_id", "service_code", "agency_code"),
    )
)

SERVICE_CONFLICTS = SERVICES_SET.table(
    Table(
        "service_conflicts",
        "Services whose level on the entity's own portal differs from the national row "
        "(both kept).",
        [
            QUARTER,
            ENTITY,
            Column(
                "service_code",
                str,
                "Service code (procedure code on the portal matched to the national row).",
            ),
            Column("agency_code", str, "Agency of the national row."),
            Column("national", str, "Level on the national portal."),
            Column("national_raw", str, "Its raw value."),
            Column("portal", str, "Level the entity's own portal shows."),
            Column("portal_raw", str, "Its badge text."),
            Column("portal_url", str, "The portal's procedure page."),
            Column("found_at", str, "When (UTC)."),
        ],
        pk=("quarter", "entity_id", "service_code", "agency_code", "portal_url"),
    )
)


@SERVICES_SET.migration(legacy=1)
def m001_services(db) -> None:
    SERVICES.create(db)


@SERVICES_SET.migration(legacy=7)
def m002_declared_services(db) -> None:
    """Declared levels per service and agency from the national rows, and where the entity's own
    portal shows another level (recorded, never settled by "first row wins")."""
    DECLARED_SERVICES.create(db)
    SERVICE_CONFLICTS.create(db)
