"""The `sharepoint` template family: a district portal shaped like the real ones, not like the
detectors (modelled on the labelled Krông Nô portal, an EasyWeb build of a SharePoint theme).

What real portals do and the other templates do not, each case marked in the truth (`case`):
- every page's <title> is the site's name and its <h1> is the theme's "Home"; a section's name
  shows only in its own first content block, in lower case;
- menu labels from real portals (synonyms, abbreviations, upper case without diacritics);
- image-only banners (alt="", file names such as ttpbgdpl.png) leading to sections;
- sections reached only from a home block's "Xem tiếp" link;
- a news menu page that is missing while the home page shows a dated news list (present);
- empty shells answering 200: "Đang cập nhật …", editor test entries, the CMS's 404 page;
- article headlines and slugs that contain section words ("lanh-dao-tinh-tham-...");
- the procedures section as nothing but a link to the registered service portal.
"""

from __future__ import annotations

from html import escape

from crawler.demo.model import rng, u
from crawler.demo.vocab import SECTIONS

TEMPLATE = "sharepoint"
LABELS = {
    "info.about": ["TỔNG QUAN", "Giới thiệu chung", "GIOI THIEU CHUNG"],
    "info.org_structure": ["Bộ máy tổ chức", "CƠ CẤU TỔ CHỨC", "Các phòng, ban chuyên môn"],
    "info.leadership": ["Ban lãnh đạo", "LÃNH ĐẠO HUYỆN", "Thường trực UBND huyện"],
    "info.contact": ["Liên hệ", "LIEN HE"],
    "info.contact_officials": ["Người phát ngôn", "Đường dây nóng", "Danh bạ điện thoại"],
    "info.news": ["TIN TỨC - SỰ KIỆN", "Tin hoạt động", "Tin tức"],
    "info.direction": ["Thông tin chỉ đạo điều hành", "Lịch làm việc", "CHỈ ĐẠO - ĐIỀU HÀNH"],
    "info.legal_documents": ["VĂN BẢN PHÁP LUẬT", "Văn bản QPPL", "CSDL văn bản"],
    "info.procedures": ["THỦ TỤC HÀNH CHÍNH", "TTHC", "Bộ TTHC"],
    "info.law_dissemination": ["PBGDPL", "Tủ sách pháp luật", "PHỔ BIẾN GIÁO DỤC PHÁP LUẬT"],
    "info.strategy_plans": ["ĐỊNH HƯỚNG QH - KH", "Quy hoạch - Kế hoạch", "Chiến lược phát triển"],
    "info.projects_procurement": ["Tin đấu thầu", "Dự án đầu tư", "Mời thầu"],
    "info.budget": ["Công khai ngân sách", "CÔNG KHAI TÀI CHÍNH", "Ngân sách nhà nước"],
    "info.consultation": ["Lấy ý kiến dự thảo", "Góp ý văn bản dự thảo"],
    "info.qa_feedback": ["Hỏi - Đáp", "Phản ánh, kiến nghị", "Tiếp nhận PAKN"],
    "info.statistics": ["BÁO CÁO - THỐNG KÊ", "Số liệu thống kê"],
    "info.english": ["English", "ENG", "Tiếng Anh"],
}
# The file names real banners carry (the Hanoi and Krông Nô portals).
BANNERS = {
    "info.contact_officials": "ThongTinNguoiPhatNgon.gif",
    "info.law_dissemination": "ttpbgdpl.png",
    "info.budget": "banner-cong-khai-ngan-sach.jpg",
    "info.statistics": "ThongKe.png",
    "info.consultation": "LayYKienDuThao.png",
    "info.qa_feedback": "HoiDap.png",
}
HOME_BLOCKS = ("info.direction", "info.legal_documents")
SHELLS = ("placeholder", "test_only", "soft_404", "http_404")
# News items whose headline and slug carry a section's words: news, never the section.
TRAP_HEADLINES = [
    ("lanh-dao-tinh-tham-va-lam-viec-tai-huyen", "Lãnh đạo tỉnh thăm và làm việc tại huyện"),
    ("quy-hoach-vung-trong-ca-phe-duoc-phe-duyet", "Quy hoạch vùng trồng cà phê được phê duyệt"),
    ("cong-khai-danh-sach-ho-ngheo-nam-2026", "Công khai danh sách hộ nghèo năm 2026"),
    ("thong-ke-thiet-hai-do-bao-so-9", "Thống kê thiệt hại do bão số 9"),
    ("huong-dan-tinh-muc-luong-phu-cap", "Hướng dẫn tính mức lương, phụ cấp"),
]
NEWS_HEADING = "Tin tức nổi bật"
PLACEHOLDER = "Đang cập nhật …"


def shape_sections(seed: int, eid: str, sections: dict) -> None:
    """Give a sharepoint entity's sections their real-portal labels, links and failures."""
    for crit, sec in sections.items():
        r = rng(seed, eid, crit, "real")
        sec["text"] = r.choice(LABELS.get(crit) or SECTIONS[crit][1])
        sec["case"] = "menu"
        if sec["value"] == "linked_broken":
            shells = SHELLS if crit != "info.english" else ("http_404",)
            sec["case"] = shells[int(u(seed, eid, crit, "shell") * len(shells))]
        elif sec["value"] == "present":
            x = u(seed, eid, crit, "shape")
            if crit in BANNERS and x < 0.5:
                sec["case"] = "image_banner"
            elif crit in HOME_BLOCKS and x < 0.5:
                sec["case"] = "home_block_link"
            elif crit == "info.news" and x < 0.35:
                sec["case"] = "home_list_only"  # the menu's news page is missing
            elif crit == "info.procedures" and x < 0.4:
                sec["case"] = "service_portal_link"
    contact = sections["info.contact"]
    contact["footer"] = contact["value"] == "present"
    contact["footer_only"] = False


def in_menu(sec: dict) -> bool:
    return sec.get("case") not in ("home_block_link", "service_portal_link")


def menu_link(crit: str, sec: dict, href: str) -> str:
    """The sidebar entry for a section: its label, or an image banner without text."""
    if sec["case"] == "image_banner":
        return f'<a href="{href}"><img src="/Style%20Library/images/{BANNERS[crit]}" alt=""></a>'
    return f'<a href="{href}">{escape(sec["text"])}</a>'


def section_page(sec: dict, body: str) -> str:
    """A section's content as this theme shows it: its name as the first, lower-case block."""
    return f'<div class="title-cat">{escape(sec["text"].lower())}</div>{body}'


def shell_body(sec: dict) -> str:
    """The 200 answer of a section that is linked but delivers nothing."""
    name = f'<div class="title-cat">{escape(sec["text"].lower())}</div>'
    if sec["case"] == "placeholder":
        return f"{name}<div>18/03/2026</div><p>{PLACEHOLDER}</p>"
    if sec["case"] == "test_only":
        return (
            f"{name}<ul><li>Test tin {escape(sec['text'].lower())} (02/04/2026)</li>"
            "<li>Tesn bài viết thử (03/04/2026)</li></ul>"
        )
    return "<h2>Default 404 Not Found Page</h2><p>The page you requested was not found.</p>"
