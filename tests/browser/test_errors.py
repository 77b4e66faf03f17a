"""A request made by htmx that fails says so on the page, in the reader's language."""

from playwright.sync_api import expect


def answer_htmx_requests_with(page, status: int) -> None:
    """Make the portal's answers to htmx requests fail with ``status`` (pages load as usual)."""

    def handle(route):
        if route.request.headers.get("hx-request"):
            route.fulfill(status=status, body="failed", content_type="text/html")
        else:
            route.continue_()

    page.route("**/institutions/**", handle)


def test_a_failed_search_says_what_went_wrong_and_the_next_one_clears_it(page, audit):
    page.goto("/institutions/")
    answer_htmx_requests_with(page, 500)

    page.get_by_role("searchbox", name="Search the directory").fill("polytechnic")
    page.get_by_role("button", name="Search", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("the portal answered with an error")
    audit(page)

    page.unroute("**/institutions/**")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("region", name="Results").get_by_role("status")).to_contain_text("found")
    expect(alert).to_be_empty()
    audit.assert_clean()


def test_a_request_over_the_size_limit_is_named_as_such_in_chinese(page):
    page.goto("/institutions/")
    page.get_by_role("combobox", name="Language").select_option("zh-hans")
    # The switcher submits itself: wait for the page in Chinese, not just any load state (a
    # click on the English page still leaving would be lost with it).
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    answer_htmx_requests_with(page, 413)

    page.locator("#id_q").fill("polytechnic")
    page.locator("#directory-form button[type=submit]").first.click()

    expect(page.get_by_role("alert")).to_contain_text("超过平台允许的大小")
