"""Words the demo portals are made of: entity names, section cues, Vietnamese filler text.

Kept apart from the model so the model stays about quality and structure, not wording.
"""

from __future__ import annotations

MINISTRIES = [
    ("Bộ Tư pháp", "Ministry of Justice", "bo-tu-phap"),
    ("Bộ Tài chính", "Ministry of Finance", "bo-tai-chinh"),
    ("Bộ Công Thương", "Ministry of Industry and Trade", "bo-cong-thuong"),
    ("Bộ Nội vụ", "Ministry of Home Affairs", "bo-noi-vu"),
    ("Bộ Ngoại giao", "Ministry of Foreign Affairs", "bo-ngoai-giao"),
    ("Bộ Xây dựng", "Ministry of Construction", "bo-xay-dung"),
    ("Bộ Y tế", "Ministry of Health", "bo-y-te"),
    ("Bộ Giáo dục và Đào tạo", "Ministry of Education and Training", "bo-giao-duc-va-dao-tao"),
    ("Bộ Khoa học và Công nghệ", "Ministry of Science and Technology", "bo-khoa-hoc-va-cong-nghe"),
    (
        "Bộ Nông nghiệp và Môi trường",
        "Ministry of Agriculture and Environment",
        "bo-nong-nghiep-va-moi-truong",
    ),
    (
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Ministry of Culture, Sports and Tourism",
        "bo-van-hoa-the-thao-va-du-lich",
    ),
    (
        "Bộ Dân tộc và Tôn giáo",
        "Ministry of Ethnic and Religious Affairs",
        "bo-dan-toc-va-ton-giao",
    ),
    ("Bộ Công an", "Ministry of Public Security", "bo-cong-an"),
    ("Bộ Quốc phòng", "Ministry of National Defence", "bo-quoc-phong"),
    ("Ngân hàng Nhà nước Việt Nam", "State Bank of Vietnam", "ngan-hang-nha-nuoc"),
    ("Thanh tra Chính phủ", "Government Inspectorate", "thanh-tra-chinh-phu"),
    ("Văn phòng Chính phủ", "Government Office", "van-phong-chinh-phu"),
    # Ministries merged away in 2025: real names, used when a demo asks for more entities.
    ("Bộ Kế hoạch và Đầu tư", "Ministry of Planning and Investment", "bo-ke-hoach-va-dau-tu"),
    ("Bộ Giao thông vận tải", "Ministry of Transport", "bo-giao-thong-van-tai"),
    (
        "Bộ Lao động - Thương binh và Xã hội",
        "Ministry of Labour, Invalids and Social Affairs",
        "bo-lao-dong-thuong-binh-va-xa-hoi",
    ),
    (
        "Bộ Thông tin và Truyền thông",
        "Ministry of Information and Communications",
        "bo-thong-tin-va-truyen-thong",
    ),
    (
        "Bộ Tài nguyên và Môi trường",
        "Ministry of Natural Resources and Environment",
        "bo-tai-nguyen-va-moi-truong",
    ),
    ("Ủy ban Dân tộc", "Committee for Ethnic Minority Affairs", "uy-ban-dan-toc"),
]
GOV_AGENCIES = [
    ("Bảo hiểm xã hội Việt Nam", "Vietnam Social Security", "bao-hiem-xa-hoi-viet-nam"),
    ("Thông tấn xã Việt Nam", "Vietnam News Agency", "thong-tan-xa-viet-nam"),
    ("Đài Truyền hình Việt Nam", "Vietnam Television", "dai-truyen-hinh-viet-nam"),
    ("Đài Tiếng nói Việt Nam", "Voice of Vietnam", "dai-tieng-noi-viet-nam"),
    (
        "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
        "Vietnam Academy of Science and Technology",
        "vien-han-lam-khcn",
    ),
    (
        "Viện Hàn lâm Khoa học xã hội Việt Nam",
        "Vietnam Academy of Social Sciences",
        "vien-han-lam-khxh",
    ),
    (
        "Học viện Chính trị quốc gia Hồ Chí Minh",
        "Ho Chi Minh National Academy of Politics",
        "hoc-vien-chinh-tri-quoc-gia",
    ),
    (
        "Ban Quản lý Lăng Chủ tịch Hồ Chí Minh",
        "Ho Chi Minh Mausoleum Management Board",
        "ban-quan-ly-lang",
    ),
    (
        "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp",
        "Commission for the Management of State Capital at Enterprises",
        "uy-ban-quan-ly-von-nha-nuoc",
    ),
]
PROVINCES = [
    ("Thành phố Hà Nội", "Hanoi City", "ha-noi"),
    ("Thành phố Hồ Chí Minh", "Ho Chi Minh City", "ho-chi-minh"),
    ("Thành phố Đà Nẵng", "Da Nang City", "da-nang"),
    ("Thành phố Hải Phòng", "Hai Phong City", "hai-phong"),
    ("Thành phố Cần Thơ", "Can Tho City", "can-tho"),
    ("Thành phố Huế", "Hue City", "hue"),
    ("Tỉnh Lạng Sơn", "Lang Son Province", "lang-son"),
    ("Tỉnh Cao Bằng", "Cao Bang Province", "cao-bang"),
    ("Tỉnh Lai Châu", "Lai Chau Province", "lai-chau"),
    ("Tỉnh Điện Biên", "Dien Bien Province", "dien-bien"),
    ("Tỉnh Sơn La", "Son La Province", "son-la"),
    ("Tỉnh Lào Cai", "Lao Cai Province", "lao-cai"),
    ("Tỉnh Tuyên Quang", "Tuyen Quang Province", "tuyen-quang"),
    ("Tỉnh Thái Nguyên", "Thai Nguyen Province", "thai-nguyen"),
    ("Tỉnh Phú Thọ", "Phu Tho Province", "phu-tho"),
    ("Tỉnh Bắc Ninh", "Bac Ninh Province", "bac-ninh"),
    ("Tỉnh Hưng Yên", "Hung Yen Province", "hung-yen"),
    ("Tỉnh Ninh Bình", "Ninh Binh Province", "ninh-binh"),
    ("Tỉnh Quảng Ninh", "Quang Ninh Province", "quang-ninh"),
    ("Tỉnh Thanh Hóa", "Thanh Hoa Province", "thanh-hoa"),
    ("Tỉnh Nghệ An", "Nghe An Province", "nghe-an"),
    ("Tỉnh Hà Tĩnh", "Ha Tinh Province", "ha-tinh"),
    ("Tỉnh Quảng Trị", "Quang Tri Province", "quang-tri"),
    ("Tỉnh Quảng Ngãi", "Quang Ngai Province", "quang-ngai"),
    ("Tỉnh Gia Lai", "Gia Lai Province", "gia-lai"),
    ("Tỉnh Khánh Hòa", "Khanh Hoa Province", "khanh-hoa"),
    ("Tỉnh Lâm Đồng", "Lam Dong Province", "lam-dong"),
    ("Tỉnh Đắk Lắk", "Dak Lak Province", "dak-lak"),
    ("Tỉnh Đồng Nai", "Dong Nai Province", "dong-nai"),
    ("Tỉnh Tây Ninh", "Tay Ninh Province", "tay-ninh"),
    ("Tỉnh Vĩnh Long", "Vinh Long Province", "vinh-long"),
    ("Tỉnh Đồng Tháp", "Dong Thap Province", "dong-thap"),
    ("Tỉnh Cà Mau", "Ca Mau Province", "ca-mau"),
    ("Tỉnh An Giang", "An Giang Province", "an-giang"),
    # Provinces merged away in 2025 (63 -> 34): real names for larger demos.
    ("Tỉnh Hà Giang", "Ha Giang Province", "ha-giang"),
    ("Tỉnh Yên Bái", "Yen Bai Province", "yen-bai"),
    ("Tỉnh Bắc Kạn", "Bac Kan Province", "bac-kan"),
    ("Tỉnh Hòa Bình", "Hoa Binh Province", "hoa-binh"),
    ("Tỉnh Vĩnh Phúc", "Vinh Phuc Province", "vinh-phuc"),
    ("Tỉnh Bắc Giang", "Bac Giang Province", "bac-giang"),
    ("Tỉnh Hải Dương", "Hai Duong Province", "hai-duong"),
    ("Tỉnh Thái Bình", "Thai Binh Province", "thai-binh"),
    ("Tỉnh Hà Nam", "Ha Nam Province", "ha-nam"),
    ("Tỉnh Nam Định", "Nam Dinh Province", "nam-dinh"),
    ("Tỉnh Quảng Bình", "Quang Binh Province", "quang-binh"),
    ("Tỉnh Quảng Nam", "Quang Nam Province", "quang-nam"),
    ("Tỉnh Bình Định", "Binh Dinh Province", "binh-dinh"),
    ("Tỉnh Phú Yên", "Phu Yen Province", "phu-yen"),
    ("Tỉnh Ninh Thuận", "Ninh Thuan Province", "ninh-thuan"),
    ("Tỉnh Bình Thuận", "Binh Thuan Province", "binh-thuan"),
    ("Tỉnh Kon Tum", "Kon Tum Province", "kon-tum"),
    ("Tỉnh Đắk Nông", "Dak Nong Province", "dak-nong"),
    ("Tỉnh Bình Phước", "Binh Phuoc Province", "binh-phuoc"),
    ("Tỉnh Bình Dương", "Binh Duong Province", "binh-duong"),
    ("Tỉnh Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau Province", "ba-ria-vung-tau"),
    ("Tỉnh Long An", "Long An Province", "long-an"),
    ("Tỉnh Tiền Giang", "Tien Giang Province", "tien-giang"),
    ("Tỉnh Bến Tre", "Ben Tre Province", "ben-tre"),
    ("Tỉnh Trà Vinh", "Tra Vinh Province", "tra-vinh"),
    ("Tỉnh Hậu Giang", "Hau Giang Province", "hau-giang"),
    ("Tỉnh Sóc Trăng", "Soc Trang Province", "soc-trang"),
    ("Tỉnh Bạc Liêu", "Bac Lieu Province", "bac-lieu"),
    ("Tỉnh Kiên Giang", "Kien Giang Province", "kien-giang"),
]

# Per section: the path slug (no diacritics) and link texts as real menus write them.
SECTIONS = {
    "info.about": (
        "gioi-thieu",
        ["Giới thiệu", "Gioi thieu", "Giới thiệu chung", "Chức năng, nhiệm vụ"],
    ),
    "info.org_structure": (
        "co-cau-to-chuc",
        ["Cơ cấu tổ chức", "Sơ đồ tổ chức", "Co cau to chuc", "Đơn vị trực thuộc"],
    ),
    "info.leadership": ("lanh-dao", ["Lãnh đạo", "Ban lãnh đạo", "Lanh dao", "Lãnh đạo đơn vị"]),
    "info.contact": ("lien-he", ["Liên hệ", "Lien he", "Thông tin liên hệ"]),
    "info.contact_officials": (
        "danh-ba",
        ["Danh bạ", "Danh bạ điện thoại", "Đầu mối liên hệ", "Người phát ngôn"],
    ),
    "info.news": ("tin-tuc", ["Tin tức", "Tin tức sự kiện", "Tin tuc su kien", "Tin hoạt động"]),
    "info.direction": (
        "chi-dao-dieu-hanh",
        ["Chỉ đạo điều hành", "Lịch công tác", "Chi dao dieu hanh", "Lịch làm việc"],
    ),
    "info.legal_documents": (
        "van-ban",
        ["Văn bản", "Văn bản pháp luật", "Văn bản QPPL", "Hệ thống văn bản", "Van ban phap luat"],
    ),
    "info.procedures": (
        "thu-tuc-hanh-chinh",
        [
            "Thủ tục hành chính",
            "TTHC",
            "Dịch vụ công",
            "Dịch vụ công trực tuyến",
            "Thu tuc hanh chinh",
        ],
    ),
    "info.law_dissemination": (
        "pho-bien-phap-luat",
        ["Phổ biến giáo dục pháp luật", "Phổ biến pháp luật", "PBGDPL", "Tuyên truyền pháp luật"],
    ),
    "info.strategy_plans": (
        "quy-hoach-ke-hoach",
        ["Chiến lược, quy hoạch", "Quy hoạch - Kế hoạch", "Kế hoạch", "Chương trình, kế hoạch"],
    ),
    "info.projects_procurement": (
        "du-an-dau-thau",
        ["Dự án - Đấu thầu", "Đấu thầu", "Mua sắm công", "Du an dau tu"],
    ),
    "info.budget": (
        "cong-khai-ngan-sach",
        ["Công khai ngân sách", "Tài chính", "Báo cáo tài chính", "Cong khai ngan sach"],
    ),
    "info.consultation": (
        "lay-y-kien-du-thao",
        ["Lấy ý kiến dự thảo", "Góp ý dự thảo", "Dự thảo văn bản", "Lay y kien du thao"],
    ),
    "info.qa_feedback": (
        "hoi-dap",
        ["Hỏi đáp", "Hỏi - đáp", "PAKN", "Phản ánh kiến nghị", "Hoi dap"],
    ),
    "info.statistics": ("thong-ke", ["Thống kê", "Số liệu thống kê", "Thong ke"]),
}
# The heading a section page shows (the canonical cue), whatever the menu calls it.
HEADINGS = {
    "info.about": "Giới thiệu chung",
    "info.org_structure": "Cơ cấu tổ chức",
    "info.leadership": "Lãnh đạo",
    "info.contact": "Liên hệ",
    "info.contact_officials": "Danh bạ đầu mối liên hệ",
    "info.news": "Tin tức sự kiện",
    "info.direction": "Chỉ đạo điều hành",
    "info.legal_documents": "Văn bản pháp luật",
    "info.procedures": "Thủ tục hành chính",
    "info.law_dissemination": "Phổ biến giáo dục pháp luật",
    "info.strategy_plans": "Chiến lược, quy hoạch, kế hoạch",
    "info.projects_procurement": "Dự án đầu tư, đấu thầu",
    "info.budget": "Công khai ngân sách",
    "info.consultation": "Lấy ý kiến dự thảo văn bản",
    "info.qa_feedback": "Hỏi đáp - Phản ánh kiến nghị",
    "info.statistics": "Số liệu thống kê",
}
ENGLISH_LINKS = ["English", "EN", "Tiếng Anh"]
SEARCH_LABELS = ["Tìm kiếm", "Tim kiem", "Tìm kiếm thông tin"]
SITEMAP_LINKS = ["Sơ đồ cổng", "Sơ đồ website", "So do cong"]
LINKS_HEADINGS = ["Liên kết website", "Liên kết", "LIÊN KẾT WEBSITE"]
# Not the national public-service portal: a link to it meets info.procedures by itself.
GOV_LINKS = [
    ("Cổng Thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Công báo Chính phủ", "https://congbao.chinhphu.vn/"),
    ("Bộ Tư pháp", "https://moj.gov.vn/"),
    ("Bộ Tài chính", "https://mof.gov.vn/"),
    ("Bộ Khoa học và Công nghệ", "https://mst.gov.vn/"),
    ("Cơ sở dữ liệu quốc gia về văn bản pháp luật", "https://vbpl.vn/"),
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc"]
GIVEN = ["Hùng", "Lan", "Tuấn", "Hương", "Dũng", "Mai", "Sơn", "Hà", "Long", "Thảo", "Bình"]
TITLES = ["Giám đốc", "Phó Giám đốc", "Chánh Văn phòng", "Trưởng phòng", "Phó Trưởng phòng"]

SENTENCES = [
    "Sáng nay, đơn vị tổ chức hội nghị triển khai nhiệm vụ chuyển đổi số năm 2026.",
    "Hội nghị đã thảo luận các giải pháp nâng cao chất lượng dịch vụ công trực tuyến.",
    "Lãnh đạo đề nghị các phòng, ban tập trung cải cách thủ tục hành chính.",
    "Kết quả giải quyết hồ sơ đúng hạn đạt tỷ lệ cao so với cùng kỳ năm trước.",
    "Người dân có thể tra cứu tiến độ giải quyết hồ sơ trên Cổng dịch vụ công.",
    "Đoàn công tác đã kiểm tra thực tế tại bộ phận tiếp nhận và trả kết quả.",
    "Các đơn vị trực thuộc cần báo cáo kết quả thực hiện trước ngày 15 hằng tháng.",
    "Chương trình nhằm phổ biến kiến thức pháp luật đến cán bộ và nhân dân.",
    "Việc số hóa hồ sơ giúp giảm thời gian đi lại và chi phí cho doanh nghiệp.",
    "Ủy ban nhân dân đã ban hành kế hoạch thực hiện các nhiệm vụ trọng tâm.",
    "Buổi làm việc ghi nhận nhiều ý kiến đóng góp thiết thực của các chuyên gia.",
    "Hệ thống thông tin giải quyết thủ tục hành chính được kết nối liên thông.",
]
HEADLINES = [
    "Hội nghị triển khai nhiệm vụ chuyển đổi số",
    "Tăng cường cải cách thủ tục hành chính",
    "Kiểm tra công tác tiếp nhận hồ sơ trực tuyến",
    "Tập huấn kỹ năng sử dụng dịch vụ công",
    "Sơ kết công tác quý và phương hướng nhiệm vụ",
    "Đối thoại với doanh nghiệp về thủ tục đầu tư",
    "Phát động phong trào thi đua năm 2026",
    "Triển khai ứng dụng định danh điện tử",
    "Họp báo cung cấp thông tin định kỳ",
    "Ký kết quy chế phối hợp chia sẻ dữ liệu",
]
PROCEDURES = [
    "Cấp phiếu lý lịch tư pháp",
    "Đăng ký khai sinh",
    "Cấp giấy phép xây dựng",
    "Đăng ký thành lập doanh nghiệp",
    "Cấp giấy phép lái xe",
    "Cấp giấy chứng nhận quyền sử dụng đất",
    "Đăng ký kết hôn",
    "Cấp giấy phép kinh doanh vận tải",
    "Cấp chứng chỉ hành nghề",
    "Đăng ký hộ kinh doanh",
    "Cấp giấy phép lao động cho người nước ngoài",
    "Thẩm định thiết kế cơ sở",
    "Cấp lại thẻ bảo hiểm y tế",
    "Công nhận tốt nghiệp trung học cơ sở",
    "Cấp giấy phép hoạt động khoáng sản",
    "Đăng ký nhãn hiệu",
]
FIELDS = [
    "Tư pháp",
    "Xây dựng",
    "Giao thông",
    "Đất đai",
    "Lao động",
    "Y tế",
    "Giáo dục",
    "Công thương",
]
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]

# Badge texts per declared level, in both vocabularies (D43 "Mức độ", D42 "toàn trình/một phần").
BADGES = {
    "full": ["Mức độ 4", "Toàn trình", "DVCTT toàn trình", "Dịch vụ công trực tuyến toàn trình"],
    "partial": ["Mức độ 3", "Một phần", "DVCTT một phần"],
    "info_only": ["Mức độ 2", "Cung cấp thông tin", "Dịch vụ công"],
}
ENTRY_TEXTS = ["Nộp hồ sơ", "Nộp trực tuyến", "Đăng ký trực tuyến", "Thực hiện trực tuyến"]
TT32_FIELDS = [
    ("name", "Tên thủ tục"),
    ("steps", "Trình tự thực hiện"),
    ("method", "Cách thức thực hiện"),
    ("dossier", "Thành phần hồ sơ"),
    ("time_limit", "Thời hạn giải quyết"),
    ("applicants", "Đối tượng thực hiện"),
    ("agency", "Cơ quan thực hiện"),
    ("result", "Kết quả thực hiện"),
    ("fees", "Phí, lệ phí"),
    ("legal_basis", "Căn cứ pháp lý"),
]
