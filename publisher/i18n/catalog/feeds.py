"""Public feeds, public pages and their embeds (``services.publishing.feeds``,
``services.insight.public_pages``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "feeds.error.unknown": (
        "Không tìm thấy trang hoặc nguồn tin này.",
        "No such page or feed.",
    ),
    "feeds.error.page": (
        "Số trang không hợp lệ (phải là số từ 1 đến {max}).",
        "Invalid page number (a number from 1 to {max}).",
    ),
    "feeds.error.no_page": ("Không có trang này.", "No such page."),
    "feeds.results.published": (
        "Đã công bố kết quả {campaign} năm {year}.",
        "Results of {campaign} {year} published.",
    ),
    "feeds.results.withdrawn": (
        "Đã gỡ kết quả {campaign} năm {year} khỏi trang công khai.",
        "Results of {campaign} {year} withdrawn from the public page.",
    ),
    "ui.feeds.title": ("Nguồn tin và trang công khai", "Feeds and public page"),
    "ui.feeds.intro": (
        "Cổng thông tin điện tử có thể đọc các nguồn tin (Atom, RSS, JSON Feed) của đơn vị "
        "hoặc nhúng trang công khai vào chuyên mục của mình.",
        "A portal can read the unit's feeds (Atom, RSS, JSON Feed) or embed its public page "
        "in a section.",
    ),
    "ui.feeds.page": ("Trang công khai", "Public page"),
    "ui.feeds.embed": (
        "Mã nhúng (dán vào chuyên mục của cổng)",
        "Embed snippet (paste into the portal's section)",
    ),
    "ui.feeds.campaign_embed": ("Mã nhúng trang chiến dịch", "Campaign page embed snippet"),
    "ui.feeds.publish_results": (
        "Công bố kết quả lên trang công khai",
        "Publish the results on the public page",
    ),
    "ui.feeds.withdraw_results": (
        "Gỡ kết quả khỏi trang công khai",
        "Withdraw the results from the public page",
    ),
    "ui.feeds.results_state_on": (
        "Kết quả năm {year} đang được công bố (từ {when}).",
        "The {year} results are published (since {when}).",
    ),
    "ui.feeds.results_state_off": (
        "Kết quả năm {year} chưa được công bố.",
        "The {year} results are not published.",
    ),
    "feeds.page.countdown": ("Còn {days} ngày đến {name} {day}", "{days} days to {name} {day}"),
    "feeds.page.today": ("Hôm nay là {name} {day}", "Today is {name} {day}"),
    "feeds.page.past": ("{name} đã diễn ra ngày {day}", "{name} took place on {day}"),
    "feeds.page.kicker": ("Trang tin công khai", "Public news page"),
    "feeds.page.skip": ("Bỏ qua, đến nội dung chính", "Skip to the main content"),
    "feeds.page.posts": ("Tin bài đã đăng", "Published posts"),
    "feeds.page.post": ("Tin bài", "Post"),
    "feeds.page.empty": ("Chưa có tin bài nào được đăng.", "Nothing published yet."),
    "feeds.page.paging": ("Chuyển trang", "Pages"),
    "feeds.page.newer": ("← Tin mới hơn", "← Newer"),
    "feeds.page.older": ("Tin cũ hơn →", "Older →"),
    "feeds.page.more": ("Xem tất cả tin bài →", "All posts →"),
    "feeds.page.feeds": ("Theo dõi bằng nguồn tin:", "Follow with a feed reader:"),
    "feeds.page.video": ("Tải video", "Download the video"),
    "feeds.page.results": ("Kết quả năm {year}", "Results {year}"),
    "feeds.page.results_when": (
        "Số liệu do cơ quan điều phối công bố ngày {day}.",
        "Figures published by the coordinator on {day}.",
    ),
    "feeds.fig.posts": ("tin bài", "posts"),
    "feeds.fig.units": ("đơn vị tham gia", "units taking part"),
    "feeds.fig.publications": ("lượt đăng trên các kênh", "publications on channels"),
    "feeds.fig.views": ("lượt xem", "views"),
    "feeds.fig.reactions": ("lượt bày tỏ cảm xúc", "reactions"),
    "feeds.fig.shares": ("lượt chia sẻ", "shares"),
    "feeds.fig.clicks": ("lượt nhấp liên kết", "link clicks"),
    "ui.channels.field.internal": (
        "Kênh nội bộ/thử nghiệm (không đưa lên nguồn tin và trang công khai)",
        "Internal/test channel (kept out of the public feeds and pages)",
    ),
    "ui.channels.help.internal": (
        "Bài chỉ đăng trên kênh này không xuất hiện trên nguồn tin RSS/Atom và trang công khai.",
        "Posts published only on this channel never appear in the public feeds and pages.",
    ),
    "ui.feeds.campaign_pick": ("Chiến dịch năm {year}", "Campaign in {year}"),
    "ui.feeds.results_title": (
        "Công bố kết quả chiến dịch lên trang công khai",
        "Publish a campaign's results on its public page",
    ),
    "ui.feeds.results_caption": (
        "Số liệu chỉ hiện trên trang công khai của chiến dịch sau khi cơ quan điều phối công "
        "bố; khi công bố, số liệu được chốt tại thời điểm đó.",
        "Figures appear on the campaign's public page only once the coordinator publishes "
        "them; they are frozen at that moment.",
    ),
    "ui.feeds.results_none": ("Năm này chưa có chiến dịch nào.", "No campaign in this year."),
}
