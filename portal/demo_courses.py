"""Demonstration data: courses shared by demo institutions, as CATECP members share theirs.

SEAMEO TED's China–ASEAN Technical Education Cooperation Platform (CATECP) hosts online
courses shared by Chinese vocational schools with ASEAN partners (in 2024, 41 Chinese schools
shared over 300 courses on it). The courses below are illustrations of that kind of sharing
by the demo institutions, not listings of real courses; their descriptions say so.
"""

from datetime import UTC, datetime

ILLUSTRATIVE = "Illustrative course listing (demonstration data)."
ILLUSTRATIVE_ZH = "示例课程（演示数据）。"

# fmt: off
COURSES = [
    {
        "institution": "shenzhen-polytechnic-university",
        "title": "Industrial robot operation and maintenance",
        "title_zh": "工业机器人操作与维护",
        "description_zh": ILLUSTRATIVE_ZH + "六轴工业机器人的编程、操作与日常维护，配有仿真练习。",
        "description": ILLUSTRATIVE + " Programming, operation and routine maintenance of six-axis industrial robots, with simulation exercises.",
        "language": "zh", "level": "certificate", "format": "online", "sector": "intelligent-manufacturing",
        "hours": 48, "duration": "8 weeks",
        # Shared under the 2nd workshop's MoU between the university and Kampong Speu.
        "mou": "MoU on teacher training in intelligent manufacturing",
    },
    {
        "institution": "shenzhen-polytechnic-university",
        "title": "Teacher training in intelligent manufacturing",
        "title_zh": "智能制造师资培训",
        "description_zh": ILLUSTRATIVE_ZH + "面向职业院校教师的混合式项目：先在线学习模块，再进行两周的实训车间实践。",
        "description": ILLUSTRATIVE + " A blended programme for TVET teachers: online modules followed by two weeks of workshop practice.",
        "language": "en", "level": "teacher_training", "format": "blended", "sector": "intelligent-manufacturing",
        "hours": 120, "duration": "One semester",
    },
    {
        "institution": "shenzhen-institute-of-information-technology",
        "title": "Introduction to artificial intelligence applications",
        "title_zh": "人工智能应用导论",
        "description_zh": ILLUSTRATIVE_ZH + "机器学习基础及其在职业领域的应用，以英语在线授课。",
        "description": ILLUSTRATIVE + " Machine-learning basics and their use in vocational fields, taught online in English.",
        "language": "en", "level": "short_course", "format": "online", "sector": "artificial-intelligence",
        "hours": 32, "duration": "6 weeks",
    },
    {
        "institution": "guangxi-technological-college-machinery-electricity",
        "title": "Mechatronics fundamentals",
        "title_zh": "机电一体化基础",
        "description_zh": ILLUSTRATIVE_ZH + "传感器、执行器与可编程逻辑控制器，在学院实训基地动手操作。",
        "description": ILLUSTRATIVE + " Sensors, actuators and programmable logic controllers, with hands-on work in the college's training base.",
        "language": "en", "level": "diploma", "format": "on_site", "sector": "mechanical-electrical",
        "hours": None, "duration": "Two semesters",
    },
    {
        "institution": "guizhou-open-university",
        "title": "Cross-border e-commerce practice",
        "title_zh": "跨境电子商务实务",
        "description_zh": ILLUSTRATIVE_ZH + "面向小企业的网店运营、跨境支付与物流。",
        "description": ILLUSTRATIVE + " Online shop operation, cross-border payments and logistics for small businesses.",
        "language": "zh", "level": "short_course", "format": "online", "sector": "e-commerce",
        "hours": 24, "duration": "",
    },
    {
        "institution": "hai-van-college-of-engineering",
        "title": "Warehouse and logistics operations",
        "title_zh": "仓储与物流运营",
        "description_zh": ILLUSTRATIVE_ZH + "仓库管理、库存系统与最后一公里配送。",
        "description": ILLUSTRATIVE + " Warehouse management, inventory systems and last-mile delivery.",
        "language": "vi", "level": "certificate", "format": "blended", "sector": "logistics-supply-chain",
        "hours": 60, "duration": "10 weeks",
    },
]
# fmt: on

# (course title, requesting institution, requested by, status, message, decided by, reply)
REQUESTS = [
    (
        "Industrial robot operation and maintenance",
        "hai-van-college-of-engineering",
        "nguyen.van.an",
        "pending",
        "We would like to offer this course to ten teachers of our mechanical department.",
        None,
        "",
    ),
    (
        "Introduction to artificial intelligence applications",
        "cendana-polytechnic",
        "rina.kusuma",
        "accepted",
        "For our ICT students in the coming semester.",
        "chen.jing",
        "Welcome: we will send the enrolment details by email.",
    ),
]
REQUESTED_AT = datetime(2026, 2, 2, 3, 0, tzinfo=UTC)
DECIDED_AT = datetime(2026, 2, 9, 6, 30, tzinfo=UTC)
LINKED_AT = datetime(2026, 1, 20, 8, 0, tzinfo=UTC)
