"""Administrative procedures a provincial Department of Science and Technology (Sở KH&CN)
handles, and the five things people ask about each (documents, time, fee, where/online,
who may). Answers point to the public service portal for the binding details: the office
checks each against the published procedure before approving it (docs/faq.md)."""

from __future__ import annotations

DVC = "https://dichvucong.gov.vn"
MST = "https://mst.gov.vn"
IP = "https://ipvietnam.gov.vn"

#: (key, official name, everyday name, theme, what it is for, source)
PROCEDURES: list[tuple[str, str, str, str, str, str]] = [
    (
        "dk-kq-nsnn",
        "đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ sử dụng ngân sách nhà nước",
        "đăng ký kết quả đề tài khoa học",
        "khcn",
        "ghi nhận và lưu giữ kết quả của đề tài, dự án dùng vốn nhà nước sau khi nghiệm thu",
        DVC,
    ),
    (
        "dk-kq-ngoai",
        "đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách nhà nước",
        "đăng ký kết quả nghiên cứu tự bỏ vốn",
        "khcn",
        "ghi nhận kết quả nghiên cứu do tổ chức, cá nhân tự đầu tư",
        DVC,
    ),
    (
        "dk-dang-tien-hanh",
        "đăng ký thông tin nhiệm vụ khoa học và công nghệ đang tiến hành",
        "khai báo đề tài đang thực hiện",
        "khcn",
        "cập nhật thông tin đề tài, dự án đang thực hiện vào cơ sở dữ liệu quốc gia về khoa học và công nghệ",
        DVC,
    ),
    (
        "de-xuat-dat-hang",
        "đề xuất đặt hàng nhiệm vụ khoa học và công nghệ cấp tỉnh",
        "đề xuất đề tài khoa học cấp tỉnh",
        "khcn",
        "gửi ý tưởng, vấn đề cần nghiên cứu để tỉnh xem xét đặt hàng",
        MST,
    ),
    (
        "tuyen-chon",
        "tuyển chọn tổ chức, cá nhân chủ trì nhiệm vụ khoa học và công nghệ cấp tỉnh",
        "đăng ký chủ trì đề tài cấp tỉnh",
        "khcn",
        "nộp hồ sơ tham gia tuyển chọn hoặc giao trực tiếp chủ trì đề tài, dự án của tỉnh",
        MST,
    ),
    (
        "nghiem-thu",
        "đánh giá, nghiệm thu kết quả nhiệm vụ khoa học và công nghệ cấp tỉnh",
        "nghiệm thu đề tài cấp tỉnh",
        "khcn",
        "hội đồng đánh giá kết quả đề tài, dự án khi kết thúc",
        MST,
    ),
    (
        "to-chuc-khcn",
        "cấp giấy chứng nhận đăng ký hoạt động tổ chức khoa học và công nghệ",
        "đăng ký thành lập tổ chức khoa học công nghệ",
        "khcn",
        "cho phép tổ chức khoa học và công nghệ (viện, trung tâm) chính thức hoạt động",
        DVC,
    ),
    (
        "thay-doi-to-chuc",
        "thay đổi, bổ sung nội dung giấy chứng nhận đăng ký hoạt động tổ chức khoa học và công nghệ",
        "sửa giấy chứng nhận tổ chức khoa học công nghệ",
        "khcn",
        "cập nhật tên, trụ sở, lĩnh vực hoạt động của tổ chức khoa học và công nghệ",
        DVC,
    ),
    (
        "dn-khcn",
        "cấp giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        "công nhận doanh nghiệp khoa học công nghệ",
        "khcn",
        "giúp doanh nghiệp có kết quả nghiên cứu được hưởng ưu đãi về thuế, đất đai, tín dụng",
        DVC,
    ),
    (
        "chuyen-giao",
        "cấp giấy chứng nhận đăng ký chuyển giao công nghệ",
        "đăng ký hợp đồng chuyển giao công nghệ",
        "khcn",
        "xác nhận hợp đồng chuyển giao công nghệ để được hưởng ưu đãi và thực hiện thanh toán",
        DVC,
    ),
    (
        "tham-dinh-cn",
        "cho ý kiến về công nghệ của dự án đầu tư",
        "thẩm định công nghệ dự án đầu tư",
        "khcn",
        "đánh giá công nghệ dự án đầu tư có phù hợp, không lạc hậu",
        DVC,
    ),
    (
        "buc-xa-yte",
        "cấp giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong y tế",
        "xin giấy phép máy X-quang",
        "khcn",
        "cho phép cơ sở y tế sử dụng máy X-quang an toàn",
        DVC,
    ),
    (
        "gia-han-buc-xa",
        "gia hạn giấy phép tiến hành công việc bức xạ",
        "gia hạn giấy phép bức xạ",
        "khcn",
        "kéo dài hiệu lực giấy phép bức xạ trước khi hết hạn",
        DVC,
    ),
    (
        "chung-chi-bx",
        "cấp chứng chỉ nhân viên bức xạ",
        "cấp chứng chỉ an toàn bức xạ cho nhân viên",
        "khcn",
        "chứng nhận người phụ trách an toàn bức xạ đủ năng lực",
        DVC,
    ),
    (
        "khai-bao-bx",
        "khai báo thiết bị X-quang chẩn đoán trong y tế",
        "khai báo máy chụp X-quang",
        "khcn",
        "báo cho cơ quan quản lý biết thiết bị bức xạ đang có",
        DVC,
    ),
    (
        "hop-chuan",
        "đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá",
        "công bố hợp chuẩn sản phẩm",
        "khcn",
        "doanh nghiệp công bố sản phẩm phù hợp tiêu chuẩn đã chọn",
        DVC,
    ),
    (
        "hop-quy",
        "đăng ký công bố hợp quy sản phẩm, hàng hóa",
        "công bố hợp quy",
        "khcn",
        "công bố sản phẩm phù hợp quy chuẩn kỹ thuật bắt buộc trước khi lưu thông",
        DVC,
    ),
    (
        "kiem-tra-nk",
        "kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu",
        "kiểm tra chất lượng hàng nhập khẩu",
        "khcn",
        "kiểm tra hàng nhập khẩu thuộc nhóm 2 trước khi thông quan",
        DVC,
    ),
    (
        "kiem-dinh-do",
        "đăng ký kiểm định phương tiện đo",
        "kiểm định cân, đồng hồ đo",
        "khcn",
        "bảo đảm cân, đồng hồ nước, đồng hồ điện, cột đo xăng dầu đo đúng",
        DVC,
    ),
    (
        "chuan-do",
        "chứng nhận chuẩn đo lường để kiểm định phương tiện đo",
        "chứng nhận chuẩn đo lường",
        "khcn",
        "công nhận chuẩn dùng để kiểm định, hiệu chuẩn phương tiện đo",
        DVC,
    ),
    (
        "chi-dinh-kd",
        "đăng ký hoạt động kiểm định, hiệu chuẩn, thử nghiệm phương tiện đo",
        "đăng ký làm dịch vụ kiểm định đo lường",
        "khcn",
        "cho phép tổ chức cung cấp dịch vụ kiểm định, hiệu chuẩn, thử nghiệm",
        DVC,
    ),
    (
        "ma-vach",
        "cấp mã số mã vạch cho doanh nghiệp",
        "đăng ký mã vạch sản phẩm",
        "khcn",
        "cấp mã số doanh nghiệp GS1 để in mã vạch lên sản phẩm",
        DVC,
    ),
    (
        "nhan-hieu",
        "đăng ký nhãn hiệu",
        "đăng ký thương hiệu",
        "dmst",
        "bảo hộ độc quyền tên, logo dùng cho hàng hóa, dịch vụ",
        IP,
    ),
    (
        "sang-che",
        "đăng ký sáng chế",
        "xin cấp bằng sáng chế",
        "dmst",
        "bảo hộ độc quyền giải pháp kỹ thuật mới có tính sáng tạo",
        IP,
    ),
    (
        "kieu-dang",
        "đăng ký kiểu dáng công nghiệp",
        "bảo hộ kiểu dáng sản phẩm",
        "dmst",
        "bảo hộ hình dáng bên ngoài của sản phẩm",
        IP,
    ),
    (
        "chi-dan-dl",
        "đăng ký chỉ dẫn địa lý",
        "bảo hộ chỉ dẫn địa lý đặc sản",
        "dmst",
        "bảo hộ tên gọi đặc sản gắn với vùng đất, như sầu riêng, bưởi của địa phương",
        IP,
    ),
    (
        "ho-tro-shtt",
        "hỗ trợ kinh phí bảo hộ quyền sở hữu trí tuệ của tỉnh",
        "hỗ trợ tiền đăng ký bảo hộ",
        "dmst",
        "tỉnh hỗ trợ một phần chi phí đăng ký nhãn hiệu, sáng chế cho doanh nghiệp, hợp tác xã",
        MST,
    ),
    (
        "sang-kien",
        "công nhận sáng kiến",
        "công nhận sáng kiến kinh nghiệm",
        "dmst",
        "công nhận giải pháp mới được áp dụng, mang lại lợi ích",
        DVC,
    ),
    (
        "giai-thuong",
        "xét tặng giải thưởng khoa học và công nghệ cấp tỉnh",
        "giải thưởng khoa học công nghệ của tỉnh",
        "khcn",
        "tôn vinh công trình khoa học, công nghệ có giá trị",
        MST,
    ),
    (
        "hoi-thi",
        "đăng ký tham gia Hội thi sáng tạo kỹ thuật tỉnh",
        "hội thi sáng tạo kỹ thuật",
        "dmst",
        "cuộc thi cho giải pháp kỹ thuật mới của người dân, kỹ sư, học sinh",
        MST,
    ),
    (
        "doi-moi-cn",
        "hỗ trợ doanh nghiệp đổi mới công nghệ",
        "hỗ trợ doanh nghiệp nâng cấp máy móc công nghệ",
        "dmst",
        "hỗ trợ kinh phí cho doanh nghiệp đổi mới, cải tiến công nghệ sản xuất",
        MST,
    ),
    (
        "ho-tro-kn",
        "đăng ký tham gia chương trình hỗ trợ khởi nghiệp đổi mới sáng tạo của tỉnh",
        "xin hỗ trợ khởi nghiệp",
        "dmst",
        "hỗ trợ ươm tạo, đào tạo, kết nối nhà đầu tư cho dự án khởi nghiệp",
        MST,
    ),
    (
        "uom-tao",
        "công nhận cơ sở ươm tạo công nghệ, ươm tạo doanh nghiệp khoa học và công nghệ",
        "công nhận vườn ươm doanh nghiệp",
        "dmst",
        "công nhận nơi ươm tạo công nghệ và doanh nghiệp mới",
        MST,
    ),
    (
        "nang-suat",
        "hỗ trợ doanh nghiệp áp dụng hệ thống quản lý chất lượng và công cụ nâng cao năng suất",
        "hỗ trợ áp dụng ISO",
        "khcn",
        "hỗ trợ doanh nghiệp áp dụng ISO, 5S, Lean để nâng năng suất, chất lượng",
        MST,
    ),
    (
        "gt-chat-luong",
        "đăng ký tham dự Giải thưởng Chất lượng quốc gia",
        "giải thưởng chất lượng quốc gia",
        "khcn",
        "tôn vinh doanh nghiệp đạt thành tích xuất sắc về chất lượng",
        MST,
    ),
    (
        "vp-dai-dien",
        "cấp giấy chứng nhận hoạt động văn phòng đại diện, chi nhánh của tổ chức khoa học và công nghệ",
        "mở chi nhánh tổ chức khoa học công nghệ",
        "khcn",
        "cho phép tổ chức khoa học và công nghệ lập văn phòng đại diện, chi nhánh tại tỉnh",
        DVC,
    ),
    (
        "giao-quyen",
        "giao quyền sở hữu, quyền sử dụng kết quả nghiên cứu sử dụng ngân sách nhà nước",
        "giao quyền sở hữu kết quả nghiên cứu",
        "khcn",
        "giao cho tổ chức chủ trì quyền sở hữu kết quả đề tài để thương mại hóa",
        DVC,
    ),
    (
        "tai-khoan-dvc",
        "đăng ký tài khoản trên Cổng Dịch vụ công quốc gia",
        "tạo tài khoản dịch vụ công",
        "cds",
        "có tài khoản để nộp hồ sơ trực tuyến cho mọi thủ tục",
        DVC,
    ),
    (
        "cap-ban-sao",
        "cấp bản sao kết quả giải quyết thủ tục hành chính từ sổ gốc",
        "xin cấp lại bản sao giấy chứng nhận",
        "cds",
        "cấp lại bản sao giấy tờ đã được cấp khi bị mất, hỏng",
        DVC,
    ),
    (
        "ky-so",
        "đăng ký chữ ký số công cộng cho cá nhân",
        "làm chữ ký số cá nhân",
        "cds",
        "ký văn bản điện tử có giá trị pháp lý như chữ ký tay",
        "https://rootca.gov.vn",
    ),
]

#: Aspect -> (question template with {p}, variant templates, answer template).
ASPECTS: dict[str, tuple[str, list[str], str]] = {
    "ho-so": (
        "Hồ sơ {p} gồm những gì?",
        [
            "{p} cần giấy tờ gì",
            "thành phần hồ sơ {p}",
            "{q} cần giấy tờ gì",
            "chuẩn bị hồ sơ {q} thế nào",
        ],
        "Hồ sơ {p} gồm: đơn/tờ khai theo mẫu, giấy tờ chứng minh tư cách của tổ chức, cá "
        "nhân và tài liệu kèm theo như quy định. Danh mục và mẫu đơn đầy đủ, cập nhật được "
        "công bố tại trang thủ tục trên Cổng Dịch vụ công (nguồn bên dưới).",
    ),
    "thoi-han": (
        "Thời hạn giải quyết {p} là bao lâu?",
        [
            "{p} mất bao lâu",
            "bao nhiêu ngày thì có kết quả {p}",
            "{q} mất bao lâu",
            "thời gian xử lý {q}",
        ],
        "Thời hạn giải quyết {p} được tính theo ngày làm việc kể từ khi nhận đủ hồ sơ hợp "
        "lệ, theo quy định của thủ tục. Bạn theo dõi tiến độ hồ sơ bằng mã hồ sơ trên Cổng "
        "Dịch vụ công; thời hạn chính thức xem tại nguồn bên dưới.",
    ),
    "le-phi": (
        "Lệ phí {p} là bao nhiêu?",
        ["phí {p} bao nhiêu tiền", "{p} có mất phí không", "{q} có mất phí không", "chi phí {q}"],
        "Phí, lệ phí {p} (nếu có) theo biểu phí do Bộ Tài chính quy định; nộp trực tuyến "
        "có thể thanh toán qua Cổng Dịch vụ công. Mức thu hiện hành được ghi tại trang thủ "
        "tục (nguồn bên dưới).",
    ),
    "noi-nop": (
        "Nộp hồ sơ {p} ở đâu, có nộp trực tuyến được không?",
        ["nộp {p} ở đâu", "{p} nộp online được không", "nộp {q} ở đâu", "{q} qua mạng"],
        "Hồ sơ {p} nộp trực tuyến trên Cổng Dịch vụ công (đăng nhập bằng tài khoản định "
        "danh điện tử VNeID), qua bưu chính, hoặc trực tiếp tại Trung tâm Phục vụ hành chính "
        "công của tỉnh. Đường dẫn thủ tục ở nguồn bên dưới.",
    ),
    "doi-tuong": (
        "Ai được thực hiện {p}, thủ tục này để làm gì?",
        ["{p} là gì", "đối tượng {p}", "{q} là gì", "điều kiện {q}"],
        "Thủ tục {p} dùng để {purpose}. Tổ chức, cá nhân đáp ứng điều kiện của thủ tục đều "
        "có thể thực hiện; điều kiện chi tiết được công bố tại nguồn bên dưới.",
    ),
}

#: How people ask about an aspect in the dev set (tuning) and in the held-out set (never
#: seen while tuning). Written separately from the variants above.
DEV_ASPECT: dict[str, list[str]] = {
    "ho-so": ["làm {q} cần mang theo những giấy tờ nào", "{q} thì hồ sơ thế nào"],
    "thoi-han": ["{q} bao lâu xong", "{q} trong bao nhiêu ngày"],
    "le-phi": ["{q} tốn bao nhiêu tiền", "{q} phải đóng phí gì"],
    "noi-nop": ["làm {q} ở đâu", "{q} làm online ở đâu"],
    "doi-tuong": ["{q} dành cho ai", "{q} để làm gì"],
}
TEST_ASPECT: dict[str, list[str]] = {
    "ho-so": ["muốn {q} thì chuẩn bị giấy tờ gì ạ", "cho hỏi hồ sơ {q} cần những gì"],
    "thoi-han": ["{q} thì mất mấy ngày", "nộp {q} bao lâu có kết quả"],
    "le-phi": ["{q} có tốn phí không ạ", "lệ phí làm {q} hết bao nhiêu"],
    "noi-nop": ["{q} thì nộp hồ sơ ở chỗ nào", "có nộp {q} qua mạng được không"],
    "doi-tuong": ["ai được {q} vậy", "{q} là thủ tục gì"],
}
