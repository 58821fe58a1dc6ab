"""The report's fixed words in Vietnamese and English, and numbers as each reader writes them.

Names of pillars and criteria are not here: they are data (config/labels.yaml, scoring/labels.py).
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Xếp hạng mức độ chính phủ điện tử",
        "quarter": "Quý",
        "edition": "Lần phát hành",
        "model": "Mô hình",
        "entities": "đơn vị",
        "generated": "lập lúc",
        "evidence_note": "mỗi con số dẫn tới trang kiểm chứng với bằng chứng của nó.",
        "rank": "Thứ hạng",
        "unit": "Đơn vị",
        "index": "Chỉ số",
        "change": "Thay đổi so với quý trước",
        "previous_rank": "Thứ hạng quý trước",
        "uncertainty": "Sai số (±)",
        "coverage": "Độ bao phủ",
        "new": "mới",
        "not_significant": "* thay đổi nằm trong sai số đo (không có ý nghĩa thống kê).",
        "not_assessed": "Chưa đánh giá",
        "reason": "Lý do",
        "chart_index": "Chỉ số",
        "chart_pillars": "Đóng góp của từng trụ cột",
        "chart_movement": "Thay đổi thứ hạng so với quý trước",
        "chart_trend": "Chỉ số qua các quý",
        "history": "Diễn biến qua các quý",
        "services_heading": "Dịch vụ công trực tuyến: công bố và thực tế",
        "services_checked": "dịch vụ được kiểm tra bằng trình duyệt Chromium.",
        "levels_chart": "Mức độ công bố và mức độ quan sát được",
        "back": "← báo cáo",
        "home_title": "Tiêu đề trang chủ",
        "service_portal": "cổng dịch vụ công",
        "previously": "quý trước",
        "in_group": "trong nhóm",
        "criteria": "Tiêu chí",
        "criterion": "Tiêu chí",
        "pillar": "Trụ cột",
        "observed": "Quan sát",
        "score": "Điểm",
        "weight": "Trọng số",
        "status": "Tình trạng",
        "evidence": "Bằng chứng",
        "link": "liên kết",
        "decided_by": "căn cứ",
        "override": "hiệu chỉnh",
        "services_in_chromium": "Dịch vụ công kiểm tra bằng Chromium",
        "service": "Dịch vụ",
        "declared": "Công bố",
        "reached": "Truy cập",
        "payment": "Thanh toán",
        "delivery": "Trả kết quả",
        "screenshot": "Ảnh chụp",
        "yes": "có",
        "no": "không",
        "overrides": "Hiệu chỉnh của người đánh giá",
        "no_overrides": "Không có hiệu chỉnh.",
        "value": "Giá trị",
        "by": "Người thực hiện",
        "when": "Thời điểm",
        "revoked": "Đã thu hồi",
        "errata": "Đính chính sau khi công bố",
        "quarter_col": "Quý",
    },
    "en": {
        "title": "E-government ranking",
        "quarter": "Quarter",
        "edition": "Edition",
        "model": "Model",
        "entities": "entities",
        "generated": "generated",
        "evidence_note": "every number links to an audit page with the evidence behind it.",
        "rank": "Rank",
        "unit": "Entity",
        "index": "Index",
        "change": "Change since last quarter",
        "previous_rank": "Previous rank",
        "uncertainty": "Uncertainty (±)",
        "coverage": "Coverage",
        "new": "new",
        "not_significant": "* movement within measurement uncertainty (not significant).",
        "not_assessed": "Not assessed",
        "reason": "Reason",
        "chart_index": "Index",
        "chart_pillars": "Pillar contributions",
        "chart_movement": "Rank movement since the previous quarter",
        "chart_trend": "Index over the quarters",
        "history": "History over the quarters",
        "services_heading": "Online services: declared vs observed",
        "services_checked": "services checked in Chromium.",
        "levels_chart": "Declared vs observed levels",
        "back": "← report",
        "home_title": "Home page title",
        "service_portal": "service portal",
        "previously": "previously",
        "in_group": "in",
        "criteria": "Criteria",
        "criterion": "Criterion",
        "pillar": "Pillar",
        "observed": "Observed",
        "score": "Score",
        "weight": "Weight",
        "status": "Status / policy",
        "evidence": "Evidence",
        "link": "link",
        "decided_by": "decided by",
        "override": "override",
        "services_in_chromium": "Services checked in Chromium",
        "service": "Service",
        "declared": "Declared",
        "reached": "Reached",
        "payment": "Payment",
        "delivery": "Delivery",
        "screenshot": "Screenshot",
        "yes": "yes",
        "no": "no",
        "overrides": "Overrides",
        "no_overrides": "No overrides.",
        "value": "Value",
        "by": "By",
        "when": "When",
        "revoked": "Revoked",
        "errata": "Errata after publication",
        "quarter_col": "Quarter",
    },
}

# Workbook column headings (keys of scoring/export/tables.py rows); unlisted keys stay as they are.
COLUMNS: dict[str, dict[str, str]] = {
    "vi": {
        "group": "Nhóm",
        "rank": "Thứ hạng",
        "entity_id": "Mã đơn vị",
        "name_vi": "Đơn vị",
        "name_en": "Tên tiếng Anh",
        "index": "Chỉ số",
        "prev_rank": "Thứ hạng quý trước",
        "movement": "Thay đổi so với quý trước",
        "significant": "Có ý nghĩa",
        "uncertainty": "Sai số",
        "coverage": "Độ bao phủ",
        "overrides_used": "Số hiệu chỉnh",
        "assessed": "Được đánh giá",
        "not_assessed_reason": "Lý do chưa đánh giá",
        "pillar": "Trụ cột",
        "criterion": "Tiêu chí",
        "criterion_name": "Tên tiêu chí",
        "raw_value": "Giá trị quan sát",
        "score": "Điểm",
        "weight": "Trọng số",
        "status": "Tình trạng",
        "policy": "Cách xử lý",
        "override_id": "Hiệu chỉnh số",
        "reported": "Cơ quan báo cáo",
        "evidence_url": "Trang bằng chứng",
        "excerpt": "Trích dẫn",
        "name": "Dịch vụ",
        "code": "Mã thủ tục",
        "url": "Địa chỉ",
        "declared": "Mức độ công bố",
        "declared_raw": "Công bố (nguyên văn)",
        "observed": "Mức độ quan sát",
        "reached": "Truy cập tới",
        "identity_provider": "Hệ thống định danh",
        "payment": "Thanh toán",
        "delivery": "Trả kết quả",
        "final_url": "Địa chỉ cuối",
        "screenshot": "Ảnh chụp",
    },
    "en": {},
}
SHEETS = {
    "vi": {
        "criteria": "Điểm tiêu chí",
        "services": "Dịch vụ đã kiểm tra",
        "dictionary": "Từ điển dữ liệu",
        "history": "Diễn biến",
        "not_assessed": "Chưa đánh giá",
    },
    "en": {
        "criteria": "Criterion scores",
        "services": "Services checked",
        "dictionary": "Data dictionary",
        "history": "History",
        "not_assessed": "Not assessed",
    },
}


def number(value, decimals: int = 3, lang: str = "vi") -> str:
    """0.714 as a Vietnamese reader writes it (0,714); an en-dash for no value."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "vi" else text


def percent(value, lang: str = "vi") -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f}%" if lang == "en" else f"{value * 100:.0f} %"


def change(movement, lang: str = "vi") -> str:
    """Rank change as the published ranking shows it: ↑2, ↓1, = or new."""
    if movement is None:
        return WORDS[lang]["new"]
    if movement == 0:
        return "="
    return f"↑{movement}" if movement > 0 else f"↓{-movement}"
