"""Facts for the demonstration data.

The institutions, events, sessions and MoUs come from published reports of five real events:
the inaugural conference of the China–ASEAN Belt and Road Mechanical and Electrical
Industry–Education Alliance, SEAMEO TED's report on the 2nd China-SEA Partnership Workshop, a
news report on the signings at the 2024 China-ASEAN Education Exchange Week, the ASEAN-China
Centre's reports on the 2025 China (Guangxi)–ASEAN Vocational Education Development and
Cooperation Conference and on the 2024 TVET Exchange Trip to Guangdong for AMS Diplomats.

Everything about people is fictional: every account has an example.org address, and nobody
named in the reports has an account. Where the reports are silent (session times, the parties
of the 13 MoUs signed in Phnom Penh, meetings, follow-ups, milestones) the data is illustrative
and says so. Offers and needs are inferred from what the reports say an institution does.

Plain data only: ``portal.demo`` turns it into rows.
"""

# --- Taxonomies: (slug, English name, Simplified Chinese name) ------------------------------

SECTORS = [
    ("mechanical-electrical", "Mechanical and electrical", "机电"),
    ("intelligent-manufacturing", "Intelligent manufacturing", "智能制造"),
    ("automotive-nev", "Automotive and new-energy vehicles", "汽车与新能源汽车"),
    ("railway", "Railway", "铁路"),
    ("aviation", "Aviation", "航空"),
    ("electronic-information-ict", "Electronic information and ICT", "电子信息与信息通信技术"),
    ("artificial-intelligence", "Artificial intelligence", "人工智能"),
    ("e-commerce", "E-commerce", "电子商务"),
    ("logistics-supply-chain", "Logistics and supply chain", "物流与供应链"),
    ("construction", "Construction", "建筑"),
    ("new-energy", "New energy", "新能源"),
    ("digital-agriculture", "Digital agriculture", "数字农业"),
    ("tourism-hospitality", "Tourism and hospitality", "旅游与酒店管理"),
    ("health-care", "Health care", "医疗卫生"),
    ("green-skills", "Green skills", "绿色技能"),
]

COOPERATION_TYPES = [
    ("student-exchange", "Student exchange", "学生交流"),
    ("staff-exchange", "Staff and teacher exchange", "教职工交流"),
    ("teacher-training", "Teacher training", "教师培训"),
    ("curriculum-standards", "Curriculum and standards co-development", "课程与标准共建"),
    ("joint-programme", "Joint programme", "合作办学项目"),
    ("internship-placement", "Internship and employment placement", "实习与就业安置"),
    ("scholarship", "Scholarship", "奖学金"),
    ("joint-research", "Joint research", "联合研究"),
    (
        "industrial-college",
        "Industrial college, training base or craftsmanship workshop",
        "产业学院、实训基地与工匠工坊",
    ),
    ("skills-competition", "Skills competition", "技能竞赛"),
    ("equipment-donation", "Equipment and lab donation", "设备与实验室捐赠"),
    ("language-skills", "“Language + skills” programme", "“语言+技能”项目"),
    ("online-course-sharing", "Online course sharing", "在线课程共享"),
    ("policy-dialogue", "Policy dialogue", "政策对话"),
]

# The terms' names in the portal's other languages, by slug and language code (the Chinese names
# are in the lists above). Words follow docs/glossary/<language>.md where it has the term.
TERM_TRANSLATIONS: dict[str, dict[str, str]] = {
    # Sectors
    "mechanical-electrical": {
        "km": "មេកានិក និងអគ្គិសនី",
        "th": "เครื่องกลและไฟฟ้า",
        "vi": "Cơ điện",
        "id": "Mesin dan kelistrikan",
        "ms": "Mekanikal dan elektrik",
        "lo": "ກົນຈັກ ແລະ ໄຟຟ້າ",
        "my": "စက်မှုနှင့် လျှပ်စစ်",
    },
    "intelligent-manufacturing": {
        "km": "ផលិតកម្មឆ្លាតវៃ",
        "th": "การผลิตอัจฉริยะ",
        "vi": "Sản xuất thông minh",
        "id": "Manufaktur cerdas",
        "ms": "Pembuatan pintar",
        "lo": "ການຜະລິດອັດສະລິຍະ",
        "my": "စမတ် ထုတ်လုပ်ရေး",
    },
    "automotive-nev": {
        "km": "យានយន្ត និងយានយន្តថាមពលថ្មី",
        "th": "ยานยนต์และยานยนต์พลังงานใหม่",
        "vi": "Ô tô và xe năng lượng mới",
        "id": "Otomotif dan kendaraan energi baru",
        "ms": "Automotif dan kenderaan tenaga baharu",
        "lo": "ລົດຍົນ ແລະ ລົດພະລັງງານໃໝ່",
        "my": "မော်တော်ယာဉ်နှင့် စွမ်းအင်သစ် ယာဉ်",
    },
    "railway": {
        "km": "ផ្លូវដែក",
        "th": "ระบบราง",
        "vi": "Đường sắt",
        "id": "Perkeretaapian",
        "ms": "Kereta api",
        "lo": "ທາງລົດໄຟ",
        "my": "မီးရထား",
    },
    "aviation": {
        "km": "អាកាសចរណ៍",
        "th": "การบิน",
        "vi": "Hàng không",
        "id": "Penerbangan",
        "ms": "Penerbangan",
        "lo": "ການບິນ",
        "my": "လေကြောင်း",
    },
    "electronic-information-ict": {
        "km": "ព័ត៌មានវិទ្យាអេឡិចត្រូនិក និង ICT",
        "th": "อิเล็กทรอนิกส์สารสนเทศและ ICT",
        "vi": "Điện tử thông tin và ICT",
        "id": "Elektronika informasi dan TIK",
        "ms": "Elektronik maklumat dan ICT",
        "lo": "ເອເລັກໂຕຣນິກຂໍ້ມູນຂ່າວສານ ແລະ ICT",
        "my": "အီလက်ထရောနစ် သတင်းအချက်အလက်နှင့် ICT",
    },
    "artificial-intelligence": {
        "km": "បញ្ញាសិប្បនិម្មិត",
        "th": "ปัญญาประดิษฐ์",
        "vi": "Trí tuệ nhân tạo",
        "id": "Kecerdasan artifisial",
        "ms": "Kecerdasan buatan",
        "lo": "ປັນຍາປະດິດ",
        "my": "ဉာဏ်ရည်တု",
    },
    "e-commerce": {
        "km": "ពាណិជ្ជកម្មអេឡិចត្រូនិក",
        "th": "พาณิชย์อิเล็กทรอนิกส์",
        "vi": "Thương mại điện tử",
        "id": "Perdagangan elektronik",
        "ms": "E-dagang",
        "lo": "ການຄ້າເອເລັກໂຕຣນິກ",
        "my": "အီလက်ထရောနစ် ကူးသန်းရောင်းဝယ်ရေး",
    },
    "logistics-supply-chain": {
        "km": "ភស្តុភារ និងខ្សែសង្វាក់ផ្គត់ផ្គង់",
        "th": "โลจิสติกส์และโซ่อุปทาน",
        "vi": "Logistics và chuỗi cung ứng",
        "id": "Logistik dan rantai pasok",
        "ms": "Logistik dan rantaian bekalan",
        "lo": "ໂລຈິສຕິກ ແລະ ຕ່ອງໂສ້ການສະໜອງ",
        "my": "ထောက်ပံ့ပို့ဆောင်ရေးနှင့် ထောက်ပံ့ရေး ကွင်းဆက်",
    },
    "construction": {
        "km": "សំណង់",
        "th": "การก่อสร้าง",
        "vi": "Xây dựng",
        "id": "Konstruksi",
        "ms": "Pembinaan",
        "lo": "ການກໍ່ສ້າງ",
        "my": "ဆောက်လုပ်ရေး",
    },
    "new-energy": {
        "km": "ថាមពលថ្មី",
        "th": "พลังงานใหม่",
        "vi": "Năng lượng mới",
        "id": "Energi baru",
        "ms": "Tenaga baharu",
        "lo": "ພະລັງງານໃໝ່",
        "my": "စွမ်းအင်သစ်",
    },
    "digital-agriculture": {
        "km": "កសិកម្មឌីជីថល",
        "th": "เกษตรดิจิทัล",
        "vi": "Nông nghiệp số",
        "id": "Pertanian digital",
        "ms": "Pertanian digital",
        "lo": "ກະສິກຳດິຈິຕອນ",
        "my": "ဒစ်ဂျစ်တယ် စိုက်ပျိုးရေး",
    },
    "tourism-hospitality": {
        "km": "ទេសចរណ៍ និងបដិសណ្ឋារកិច្ច",
        "th": "การท่องเที่ยวและการบริการ",
        "vi": "Du lịch và khách sạn",
        "id": "Pariwisata dan perhotelan",
        "ms": "Pelancongan dan hospitaliti",
        "lo": "ການທ່ອງທ່ຽວ ແລະ ການໂຮງແຮມ",
        "my": "ခရီးသွားလုပ်ငန်းနှင့် ဧည့်ဝန်ဆောင်မှု",
    },
    "health-care": {
        "km": "សុខាភិបាល",
        "th": "การดูแลสุขภาพ",
        "vi": "Y tế",
        "id": "Kesehatan",
        "ms": "Penjagaan kesihatan",
        "lo": "ສາທາລະນະສຸກ",
        "my": "ကျန်းမာရေး စောင့်ရှောက်မှု",
    },
    "green-skills": {
        "km": "ជំនាញបៃតង",
        "th": "ทักษะสีเขียว",
        "vi": "Kỹ năng xanh",
        "id": "Keterampilan hijau",
        "ms": "Kemahiran hijau",
        "lo": "ທັກສະສີຂຽວ",
        "my": "စိမ်းလန်းသော ကျွမ်းကျင်မှု",
    },
    # Cooperation types
    "student-exchange": {
        "km": "ការផ្លាស់ប្តូរនិស្សិត",
        "th": "การแลกเปลี่ยนนักศึกษา",
        "vi": "Trao đổi sinh viên",
        "id": "Pertukaran mahasiswa",
        "ms": "Pertukaran pelajar",
        "lo": "ການແລກປ່ຽນນັກສຶກສາ",
        "my": "ကျောင်းသား ဖလှယ်ရေး",
    },
    "staff-exchange": {
        "km": "ការផ្លាស់ប្តូរបុគ្គលិក និងគ្រូ",
        "th": "การแลกเปลี่ยนบุคลากรและครู",
        "vi": "Trao đổi cán bộ và giáo viên",
        "id": "Pertukaran staf dan pengajar",
        "ms": "Pertukaran kakitangan dan guru",
        "lo": "ການແລກປ່ຽນພະນັກງານ ແລະ ຄູ",
        "my": "ဝန်ထမ်းနှင့် ဆရာ ဖလှယ်ရေး",
    },
    "teacher-training": {
        "km": "ការបណ្តុះបណ្តាលគ្រូ",
        "th": "การฝึกอบรมครู",
        "vi": "Đào tạo giáo viên",
        "id": "Pelatihan pengajar",
        "ms": "Latihan guru",
        "lo": "ການຝຶກອົບຮົມຄູ",
        "my": "ဆရာ လေ့ကျင့်ရေး",
    },
    "curriculum-standards": {
        "km": "ការរួមគ្នាអភិវឌ្ឍកម្មវិធីសិក្សា និងស្តង់ដារ",
        "th": "การร่วมพัฒนาหลักสูตรและมาตรฐาน",
        "vi": "Cùng xây dựng chương trình và tiêu chuẩn",
        "id": "Pengembangan bersama kurikulum dan standar",
        "ms": "Pembangunan bersama kurikulum dan standard",
        "lo": "ການຮ່ວມກັນພັດທະນາຫຼັກສູດ ແລະ ມາດຕະຖານ",
        "my": "သင်ရိုးညွှန်းတမ်းနှင့် စံနှုန်း ပူးတွဲ ရေးဆွဲခြင်း",
    },
    "joint-programme": {
        "km": "កម្មវិធីសិក្សារួម",
        "th": "หลักสูตรร่วม",
        "vi": "Chương trình liên kết đào tạo",
        "id": "Program bersama",
        "ms": "Program bersama",
        "lo": "ຫຼັກສູດຮ່ວມ",
        "my": "ပူးတွဲ သင်တန်း အစီအစဉ်",
    },
    "internship-placement": {
        "km": "កម្មសិក្សា និងការងារ",
        "th": "การฝึกงานและการจัดหางาน",
        "vi": "Thực tập và giới thiệu việc làm",
        "id": "Magang dan penempatan kerja",
        "ms": "Latihan industri dan penempatan pekerjaan",
        "lo": "ການຝຶກງານ ແລະ ການຈັດຫາວຽກ",
        "my": "အလုပ်သင်နှင့် အလုပ်ရှာဖွေပေးခြင်း",
    },
    "scholarship": {
        "km": "អាហារូបករណ៍",
        "th": "ทุนการศึกษา",
        "vi": "Học bổng",
        "id": "Beasiswa",
        "ms": "Biasiswa",
        "lo": "ທຶນການສຶກສາ",
        "my": "ပညာသင်ဆု",
    },
    "joint-research": {
        "km": "ការស្រាវជ្រាវរួម",
        "th": "การวิจัยร่วม",
        "vi": "Nghiên cứu chung",
        "id": "Penelitian bersama",
        "ms": "Penyelidikan bersama",
        "lo": "ການຄົ້ນຄວ້າຮ່ວມ",
        "my": "ပူးတွဲ သုတေသန",
    },
    "industrial-college": {
        "km": "មហាវិទ្យាល័យឧស្សាហកម្ម មូលដ្ឋានបណ្តុះបណ្តាល ឬរោងជាង",
        "th": "วิทยาลัยอุตสาหกรรม ศูนย์ฝึกอบรม หรือโรงฝึกงานช่างฝีมือ",
        "vi": "Trường công nghiệp, cơ sở thực hành hoặc xưởng nghề",
        "id": "Akademi industri, pusat pelatihan, atau bengkel keahlian",
        "ms": "Kolej industri, pusat latihan atau bengkel kemahiran",
        "lo": "ວິທະຍາໄລອຸດສາຫະກຳ, ສູນຝຶກອົບຮົມ ຫຼື ໂຮງຝຶກຊ່າງຝີມື",
        "my": "စက်မှု ကောလိပ်၊ လေ့ကျင့်ရေး စခန်း သို့မဟုတ် လက်မှုပညာ အလုပ်ရုံ",
    },
    "skills-competition": {
        "km": "ការប្រកួតជំនាញ",
        "th": "การแข่งขันทักษะฝีมือ",
        "vi": "Thi kỹ năng nghề",
        "id": "Kompetisi keterampilan",
        "ms": "Pertandingan kemahiran",
        "lo": "ການແຂ່ງຂັນສີມືແຮງງານ",
        "my": "ကျွမ်းကျင်မှု ပြိုင်ပွဲ",
    },
    "equipment-donation": {
        "km": "ការបរិច្ចាគឧបករណ៍ និងមន្ទីរពិសោធន៍",
        "th": "การบริจาคอุปกรณ์และห้องปฏิบัติการ",
        "vi": "Tài trợ thiết bị và phòng thí nghiệm",
        "id": "Donasi peralatan dan laboratorium",
        "ms": "Sumbangan peralatan dan makmal",
        "lo": "ການບໍລິຈາກອຸປະກອນ ແລະ ຫ້ອງທົດລອງ",
        "my": "စက်ပစ္စည်းနှင့် ဓာတ်ခွဲခန်း လှူဒါန်းခြင်း",
    },
    "language-skills": {
        "km": "កម្មវិធី «ភាសា + ជំនាញ»",
        "th": "โครงการ “ภาษา + ทักษะ”",
        "vi": "Chương trình “Ngôn ngữ + kỹ năng”",
        "id": "Program “Bahasa + keterampilan”",
        "ms": "Program “Bahasa + kemahiran”",
        "lo": "ໂຄງການ “ພາສາ + ທັກສະ”",
        "my": "“ဘာသာစကား + ကျွမ်းကျင်မှု” အစီအစဉ်",
    },
    "online-course-sharing": {
        "km": "ការចែករំលែកវគ្គសិក្សាតាមអនឡាញ",
        "th": "การแบ่งปันรายวิชาออนไลน์",
        "vi": "Chia sẻ khóa học trực tuyến",
        "id": "Berbagi kursus daring",
        "ms": "Perkongsian kursus dalam talian",
        "lo": "ການແບ່ງປັນຫຼັກສູດອອນລາຍ",
        "my": "အွန်လိုင်း သင်ခန်းစာ မျှဝေခြင်း",
    },
    "policy-dialogue": {
        "km": "កិច្ចសន្ទនាគោលនយោបាយ",
        "th": "การเจรจาเชิงนโยบาย",
        "vi": "Đối thoại chính sách",
        "id": "Dialog kebijakan",
        "ms": "Dialog dasar",
        "lo": "ການສົນທະນາດ້ານນະໂຍບາຍ",
        "my": "မူဝါဒ ဆွေးနွေးပွဲ",
    },
}

# --- Institutions -----------------------------------------------------------------------------
# Offers and needs are (cooperation type slug, sector slug, note). A local name is given only
# where the real name at home is known; "website" only where the public domain is certain.

FICTIONAL = "Fictional institution for demonstration."

# Descriptions also given in other languages (the English in INSTITUTIONS is the original), by
# slug: Chinese and the institution's own country's language.
DESCRIPTION_TRANSLATIONS: dict[str, dict[str, str]] = {
    "kampong-speu-institute-of-technology": {
        "zh-hans": (
            "位于磅士卑省的技术学院。其院长作为柬埔寨代表团成员，出席了在广州举行的"
            "中国—东盟“一带一路”机电产教联盟成立大会。"
        ),
        "km": (
            "វិទ្យាស្ថានបច្ចេកទេសនៅខេត្តកំពង់ស្ពឺ។ នាយករបស់វិទ្យាស្ថានជាសមាជិកគណៈប្រតិភូកម្ពុជា "
            "ដែលបានចូលរួមសន្និសីទសម្ពោធសម្ព័ន្ធឧស្សាហកម្ម–អប់រំ មេកានិក និងអគ្គិសនី "
            "ខ្សែក្រវាត់ និងផ្លូវ ចិន–អាស៊ាន នៅទីក្រុងក្វាងចូវ។"
        ),
    },
    "andaman-college-tourism-technology": {
        "zh-hans": "用于演示的虚构机构。一所开设旅游、酒店管理和电子专业的职业学院。",
        "th": "สถาบันสมมติสำหรับการสาธิต วิทยาลัยอาชีวศึกษาด้านการท่องเที่ยว การบริการ และอิเล็กทรอนิกส์",
    },
    "hai-van-college-of-engineering": {
        "zh-hans": "用于演示的虚构机构。一所开设电子商务和物流专业的工程学院。",
        "vi": (
            "Cơ sở hư cấu dùng để trình diễn. Trường cao đẳng kỹ thuật có các chương trình đào tạo "
            "thương mại điện tử và logistics."
        ),
    },
}

INSTITUTIONS = [
    # Cambodia
    {
        "slug": "seameo-ted",
        "name": "SEAMEO Regional Centre for Technical Education Development",
        "name_local": "",
        "acronym": "SEAMEO TED",
        "kind": "international_organisation",
        "country": "KH",
        "province": "Phnom Penh",
        "city": "Phnom Penh",
        "website": "",
        "description": (
            "Regional centre of the Southeast Asian Ministers of Education Organization for technical "
            "education development. It promotes school–enterprise collaboration guided by the real needs "
            "of industry, runs the China–ASEAN Technical Education Cooperation Platform (CATECP) for online "
            "course sharing (over 300 courses from 41 Chinese schools in 2024, more than 400,000 users by "
            "April 2025) and co-organised the 2nd China-SEA Partnership Workshop with Go Study Global "
            "Education. Its Training Academies offer professional development in TVET."
        ),
        "languages": ["en", "km"],
        "sectors": ["electronic-information-ict", "artificial-intelligence", "green-skills", "mechanical-electrical"],
        "offers": [
            (
                "online-course-sharing",
                "electronic-information-ict",
                "CATECP hosts Chinese schools' online courses for ASEAN learners.",
            ),
            (
                "teacher-training",
                "artificial-intelligence",
                "Professional development through SEAMEO TED's Training Academies.",
            ),
            (
                "policy-dialogue",
                "green-skills",
                "Coordinates policy dialogues and green education initiatives in the region.",
            ),
        ],
        "needs": [
            (
                "equipment-donation",
                "intelligent-manufacturing",
                "Industry-sponsored pilot labs for member institutions.",
            ),
            (
                "curriculum-standards",
                "mechanical-electrical",
                "Partners for curriculum and standards co-development under CATECP.",
            ),
        ],
        "verified": True,
    },
    {
        "slug": "kampong-speu-institute-of-technology",
        "name": "Kampong Speu Institute of Technology",
        "name_local": "វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ",
        "acronym": "KSIT",
        "kind": "technical_institute",
        "country": "KH",
        "province": "Kampong Speu",
        "city": "",
        "website": "",
        "description": (
            "Technical institute in Kampong Speu Province. Its president was a member of the Cambodian "
            "delegation to the inaugural conference of the China–ASEAN Belt and Road Mechanical and "
            "Electrical Industry–Education Alliance in Guangzhou."
        ),
        "languages": ["km", "en"],
        "sectors": ["mechanical-electrical", "intelligent-manufacturing", "electronic-information-ict"],
        "offers": [
            ("student-exchange", "mechanical-electrical", "Hosts partner students and teachers on exchange visits."),
        ],
        "needs": [
            ("teacher-training", "intelligent-manufacturing", "Upskilling of trainers in Industry 4.0 technologies."),
            ("curriculum-standards", "mechanical-electrical", "Co-developed curricula and shared standards."),
            (
                "internship-placement",
                "mechanical-electrical",
                "Internships for students with enterprises in the region.",
            ),
        ],
        "verified": True,
    },
    {
        "slug": "tboung-khmum-education-department",
        "name": "Department of Education, Youth and Sports of Tboung Khmum Province",
        "name_local": "មន្ទីរអប់រំ យុវជន និងកីឡាខេត្តត្បូងឃ្មុំ",
        "acronym": "",
        "kind": "government_agency",
        "country": "KH",
        "province": "Tboung Khmum",
        "city": "",
        "website": "",
        "description": (
            "Provincial department of Cambodia's Ministry of Education, Youth and Sport. Its deputy director "
            "was a member of the Cambodian delegation to the inaugural conference of the China–ASEAN Belt "
            "and Road Mechanical and Electrical Industry–Education Alliance."
        ),
        "languages": ["km"],
        "sectors": ["electronic-information-ict", "mechanical-electrical"],
        "offers": [
            ("policy-dialogue", "mechanical-electrical", "Provincial coordination of school partnerships."),
        ],
        "needs": [
            ("teacher-training", "electronic-information-ict", "Digital skills for teachers in the province."),
        ],
        "verified": True,
    },
    {
        "slug": "moeys-cambodia",
        "name": "Ministry of Education, Youth and Sport of Cambodia",
        "name_local": "ក្រសួងអប់រំ យុវជន និងកីឡា",
        "acronym": "MoEYS",
        "kind": "government_agency",
        "country": "KH",
        "province": "Phnom Penh",
        "city": "Phnom Penh",
        "website": "https://www.moeys.gov.kh",
        "description": (
            "Cambodia's ministry for education, youth and sport. An Under-Secretary of State, representing "
            "the Deputy Prime Minister and Minister, presided over the opening ceremony of the 2nd China-SEA "
            "Partnership Workshop and stressed continuous skills development and lifelong learning."
        ),
        "languages": ["km", "en"],
        "sectors": ["electronic-information-ict", "artificial-intelligence"],
        "offers": [
            (
                "policy-dialogue",
                "electronic-information-ict",
                "Government dialogue on digital TVET between China and ASEAN.",
            ),
        ],
        "needs": [
            ("teacher-training", "artificial-intelligence", "Core and digital skills for educators."),
        ],
        "verified": True,
    },
    {
        "slug": "molvt-cambodia",
        "name": "Ministry of Labour and Vocational Training of Cambodia",
        "name_local": "ក្រសួងការងារ និងបណ្តុះបណ្តាលវិជ្ជាជីវៈ",
        "acronym": "MLVT",
        "kind": "government_agency",
        "country": "KH",
        "province": "Phnom Penh",
        "city": "Phnom Penh",
        "website": "",
        "description": (
            "Cambodia's ministry responsible for technical and vocational training. A Secretary of State of "
            "the ministry spoke at the opening of the 2025 China (Guangxi)–ASEAN Vocational Education "
            "Development and Cooperation Conference in Nanning."
        ),
        "languages": ["km", "en"],
        "sectors": ["artificial-intelligence", "logistics-supply-chain"],
        "offers": [
            (
                "policy-dialogue",
                "artificial-intelligence",
                "Dialogue on AI in vocational education and training standards.",
            ),
        ],
        "needs": [
            (
                "curriculum-standards",
                "artificial-intelligence",
                "Integrating AI into vocational curricula; universal training standards.",
            ),
        ],
        "verified": True,
    },
    {
        "slug": "phnom-penh-sez",
        "name": "Phnom Penh Special Economic Zone",
        "name_local": "តំបន់សេដ្ឋកិច្ចពិសេសភ្នំពេញ",
        "acronym": "RGPPSEZ",
        "kind": "enterprise",
        "country": "KH",
        "province": "Phnom Penh",
        "city": "Phnom Penh",
        "website": "",
        "description": (
            "Special economic zone with factories and companies in Phnom Penh. Participants of the 2nd "
            "China-SEA Partnership Workshop visited its production lines on 12 May 2025 to learn which "
            "skills production needs."
        ),
        "languages": ["km", "en", "zh"],
        "sectors": ["intelligent-manufacturing", "logistics-supply-chain"],
        "offers": [
            (
                "internship-placement",
                "intelligent-manufacturing",
                "Industrial visits and work-based learning in the zone's factories.",
            ),
        ],
        "needs": [
            (
                "joint-programme",
                "logistics-supply-chain",
                "Technicians trained in digital logistics and customs systems.",
            ),
        ],
        "verified": True,
    },
    # China
    {
        "slug": "go-study-global-education",
        "name": "Go Study Global Education",
        "name_local": "",
        "acronym": "",
        "kind": "enterprise",
        "country": "CN",
        "province": "",
        "city": "",
        "website": "",
        "description": (
            "Chinese education company; SEAMEO TED's Chinese partner in initiating the 2nd China-SEA "
            "Partnership Workshop (Phnom Penh, 12–13 May 2025), which brought 56 participants from 24 "
            "Chinese schools and institutes."
        ),
        "languages": ["zh", "en"],
        "sectors": ["electronic-information-ict", "artificial-intelligence"],
        "offers": [
            (
                "student-exchange",
                "electronic-information-ict",
                "Coordinates student and staff exchanges between China and Southeast Asia.",
            ),
            ("policy-dialogue", "artificial-intelligence", "Co-organises partnership workshops and hybrid workshops."),
        ],
        "needs": [
            ("joint-programme", "intelligent-manufacturing", "Southeast Asian partners for Chinese polytechnics."),
        ],
        "verified": True,
    },
    {
        "slug": "china-asean-mechanical-electrical-alliance",
        "name": "China–ASEAN Belt and Road Mechanical and Electrical Industry–Education Alliance",
        "name_local": "",
        "acronym": "",
        "kind": "alliance",
        "country": "CN",
        "province": "",
        "city": "",
        "website": "",
        "description": (
            "Alliance of vocational institutions, industry organisations and enterprises from China and "
            "ASEAN Member States in the mechanical and electrical field, inaugurated at a conference in "
            "Guangzhou on 15 December."
        ),
        "languages": ["zh", "en"],
        "sectors": ["mechanical-electrical", "intelligent-manufacturing"],
        "offers": [
            (
                "skills-competition",
                "mechanical-electrical",
                "Skills competitions as a bridge for ASEAN mechanical and electrical talent.",
            ),
            (
                "curriculum-standards",
                "mechanical-electrical",
                "Shared curricula and standards among member institutions.",
            ),
        ],
        "needs": [
            (
                "internship-placement",
                "mechanical-electrical",
                "Localised technical talent for Chinese enterprises in ASEAN countries.",
            ),
        ],
        "verified": True,
    },
    {
        "slug": "guangdong-industry-polytechnic-university",
        "name": "Guangdong Industry Polytechnic University",
        "name_local": "广东轻工职业技术大学",
        "acronym": "GDIPU",
        "kind": "polytechnic",
        "country": "CN",
        "province": "Guangdong",
        "city": "Guangzhou",
        "website": "",
        "description": (
            "Vocational university in Guangzhou, visited by ASEAN diplomats on the TVET Exchange Trip to "
            "Guangdong in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": ["intelligent-manufacturing", "e-commerce"],
        "offers": [
            ("teacher-training", "intelligent-manufacturing", "Training programmes for ASEAN teachers in Guangzhou."),
            ("online-course-sharing", "e-commerce", "Courses shared with ASEAN learners online."),
        ],
        "needs": [
            ("student-exchange", "intelligent-manufacturing", "Students from ASEAN countries."),
        ],
        "verified": True,
    },
    {
        "slug": "guangdong-polytechnic-water-resources-electric-engineering",
        "name": "Guangdong Polytechnic of Water Resources and Electric Engineering",
        "name_local": "广东水利电力职业技术学院",
        "acronym": "",
        "kind": "polytechnic",
        "country": "CN",
        "province": "Guangdong",
        "city": "Guangzhou",
        "website": "",
        "description": (
            "Polytechnic in Guangzhou for water resources and electric power engineering, visited by ASEAN "
            "diplomats on the TVET Exchange Trip to Guangdong in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": ["new-energy", "construction", "mechanical-electrical"],
        "offers": [
            ("teacher-training", "new-energy", "Teacher training in power and new-energy engineering."),
            ("curriculum-standards", "construction", "Shared curricula for construction and new energy."),
        ],
        "needs": [
            ("internship-placement", "new-energy", "Placements with power projects in Southeast Asia."),
        ],
        "verified": True,
    },
    {
        "slug": "shenzhen-institute-of-information-technology",
        "name": "Shenzhen Institute of Information Technology",
        "name_local": "深圳信息职业技术学院",
        "acronym": "SZIIT",
        "kind": "polytechnic",
        "country": "CN",
        "province": "Guangdong",
        "city": "Shenzhen",
        "website": "",
        "description": (
            "Polytechnic in Shenzhen for information technology, visited by ASEAN diplomats on the TVET "
            "Exchange Trip to Guangdong in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": ["electronic-information-ict", "artificial-intelligence"],
        "offers": [
            ("equipment-donation", "electronic-information-ict", "Laboratory equipment for partner institutions."),
            ("online-course-sharing", "artificial-intelligence", "AI and ICT courses shared through CATECP."),
        ],
        "needs": [
            ("internship-placement", "electronic-information-ict", "Overseas internships for its students."),
        ],
        "verified": True,
    },
    {
        "slug": "shenzhen-polytechnic-university",
        "name": "Shenzhen Polytechnic University",
        "name_local": "深圳职业技术大学",
        "acronym": "SZPU",
        "kind": "polytechnic",
        "country": "CN",
        "province": "Guangdong",
        "city": "Shenzhen",
        "website": "",
        "description": (
            "Vocational university in Shenzhen, visited by ASEAN diplomats on the TVET Exchange Trip to "
            "Guangdong in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": [
            "intelligent-manufacturing",
            "artificial-intelligence",
            "automotive-nev",
            "electronic-information-ict",
        ],
        "offers": [
            (
                "teacher-training",
                "intelligent-manufacturing",
                "Teacher training in industrial robotics and smart manufacturing.",
            ),
            ("language-skills", "intelligent-manufacturing", "Mandarin combined with technical skills."),
            ("equipment-donation", "artificial-intelligence", "Support for pilot labs at partner institutions."),
        ],
        "needs": [
            ("student-exchange", "automotive-nev", "Students from ASEAN countries."),
            ("internship-placement", "intelligent-manufacturing", "Placements with Chinese enterprises in ASEAN."),
        ],
        "verified": True,
    },
    {
        "slug": "sustech",
        "name": "Southern University of Science and Technology",
        "name_local": "南方科技大学",
        "acronym": "SUSTech",
        "kind": "university",
        "country": "CN",
        "province": "Guangdong",
        "city": "Shenzhen",
        "website": "https://www.sustech.edu.cn",
        "description": (
            "Research university in Shenzhen, visited by ASEAN diplomats on the TVET Exchange Trip to "
            "Guangdong in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": ["artificial-intelligence", "intelligent-manufacturing"],
        "offers": [
            ("joint-research", "artificial-intelligence", "Research cooperation with institutions in the region."),
        ],
        "needs": [
            ("student-exchange", "artificial-intelligence", "Exchange students from ASEAN countries."),
        ],
        "verified": True,
    },
    {
        "slug": "byd",
        "name": "BYD",
        "name_local": "比亚迪股份有限公司",
        "acronym": "BYD",
        "kind": "enterprise",
        "country": "CN",
        "province": "Guangdong",
        "city": "Shenzhen",
        "website": "https://www.byd.com",
        "description": (
            "“Build Your Dreams”: vehicle and new-energy manufacturer whose training bases, run with "
            "partner vocational schools, were toured by ASEAN diplomats in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": ["automotive-nev", "new-energy"],
        "offers": [
            ("industrial-college", "automotive-nev", "Training bases run with partner vocational schools."),
            ("internship-placement", "automotive-nev", "Placements for trained technicians."),
        ],
        "needs": [
            ("joint-programme", "automotive-nev", "Localised technicians for operations in ASEAN countries."),
        ],
        "verified": True,
    },
    {
        "slug": "gac-group",
        "name": "GAC Group",
        "name_local": "广州汽车集团股份有限公司",
        "acronym": "GAC",
        "kind": "enterprise",
        "country": "CN",
        "province": "Guangdong",
        "city": "Guangzhou",
        "website": "",
        "description": (
            "Guangzhou Automobile Group, whose training bases with partner vocational schools and research "
            "institutes were toured by ASEAN diplomats in October 2024."
        ),
        "languages": ["zh", "en"],
        "sectors": ["automotive-nev"],
        "offers": [
            ("industrial-college", "automotive-nev", "Training bases with partner vocational schools."),
        ],
        "needs": [
            ("internship-placement", "automotive-nev", "Automotive technicians for ASEAN markets."),
        ],
        "verified": True,
    },
    {
        "slug": "unesco-ichei",
        "name": "UNESCO International Centre for Higher Education Innovation",
        "name_local": "联合国教科文组织高等教育创新中心",
        "acronym": "UNESCO-ICHEI",
        "kind": "international_organisation",
        "country": "CN",
        "province": "Guangdong",
        "city": "Shenzhen",
        "website": "",
        "description": (
            "UNESCO category 2 centre in Shenzhen. ASEAN diplomats discussed with it the digitisation of "
            "higher education in Southeast Asia and potential cooperation projects (October 2024)."
        ),
        "languages": ["en", "zh"],
        "sectors": ["electronic-information-ict", "artificial-intelligence"],
        "offers": [
            ("online-course-sharing", "electronic-information-ict", "Digital learning resources for higher education."),
            ("teacher-training", "artificial-intelligence", "Digital competences for teaching staff."),
        ],
        "needs": [
            ("policy-dialogue", "electronic-information-ict", "Partners for digitisation projects in Southeast Asia."),
        ],
        "verified": True,
    },
    {
        "slug": "asean-china-centre",
        "name": "ASEAN-China Centre",
        "name_local": "中国—东盟中心",
        "acronym": "ACC",
        "kind": "international_organisation",
        "country": "CN",
        "province": "Beijing",
        "city": "Beijing",
        "website": "https://www.asean-china-center.org",
        "description": (
            "Intergovernmental organisation of ASEAN and China. It co-initiated the TVET Exchange Trip to "
            "Guangdong for AMS Diplomats (October 2024) with CEAIE and supported the 2025 China "
            "(Guangxi)–ASEAN Vocational Education Development and Cooperation Conference."
        ),
        "languages": ["en", "zh"],
        "sectors": ["artificial-intelligence", "electronic-information-ict"],
        "offers": [
            ("policy-dialogue", "artificial-intelligence", "Dialogue between ASEAN and Chinese education authorities."),
        ],
        "needs": [],
        "verified": True,
    },
    {
        "slug": "ceaie",
        "name": "China Education Association for International Exchange",
        "name_local": "中国教育国际交流协会",
        "acronym": "CEAIE",
        "kind": "other",
        "country": "CN",
        "province": "Beijing",
        "city": "Beijing",
        "website": "https://www.ceaie.edu.cn",
        "description": (
            "National association for international educational exchange. It co-initiated the TVET "
            "Exchange Trip to Guangdong for AMS Diplomats with the ASEAN-China Centre (October 2024)."
        ),
        "languages": ["zh", "en"],
        "sectors": ["electronic-information-ict"],
        "offers": [
            ("policy-dialogue", "electronic-information-ict", "Study trips and exchanges for education officials."),
            (
                "student-exchange",
                "electronic-information-ict",
                "Exchange programmes between Chinese and foreign institutions.",
            ),
        ],
        "needs": [],
        "verified": True,
    },
    {
        "slug": "lcetpa",
        "name": "Lan-mekong China Education and Training Alliance",
        "name_local": "",
        "acronym": "LCETPA",
        "kind": "alliance",
        "country": "CN",
        "province": "",
        "city": "",
        "website": "",
        "description": (
            "Alliance that, with Asin ASEAN (Chongqing), signed university–enterprise cooperation "
            "agreements at the 2024 China-ASEAN Education Exchange Week, under the auspices of the Lao "
            "National Chamber of Commerce and Industry."
        ),
        "languages": ["zh", "en", "lo"],
        "sectors": ["e-commerce", "aviation", "railway", "electronic-information-ict", "automotive-nev"],
        "offers": [
            (
                "industrial-college",
                "e-commerce",
                "Industrial colleges and craftsmanship workshops with partner schools.",
            ),
            ("teacher-training", "aviation", "Teacher and student training."),
        ],
        "needs": [
            ("internship-placement", "railway", "Employment of trained talent in the Mekong countries."),
        ],
        "verified": False,
    },
    {
        "slug": "asin-asean-chongqing",
        "name": "Asin ASEAN (Chongqing)",
        "name_local": "",
        "acronym": "",
        "kind": "enterprise",
        "country": "CN",
        "province": "Chongqing",
        "city": "Chongqing",
        "website": "",
        "description": (
            "Company that initiated five cooperation projects signed at the 2024 China-ASEAN Education "
            "Exchange Week, in e-commerce, aviation, railways, electronic information and new-energy "
            "vehicles."
        ),
        "languages": ["zh", "en"],
        "sectors": ["e-commerce", "aviation", "railway", "electronic-information-ict", "automotive-nev"],
        "offers": [
            ("industrial-college", "railway", "Training bases and advanced workshops."),
            ("internship-placement", "e-commerce", "Talent employment through industry–education projects."),
        ],
        "needs": [
            ("joint-programme", "automotive-nev", "Partner schools in ASEAN countries."),
        ],
        "verified": False,
    },
    {
        "slug": "guizhou-open-university",
        "name": "Guizhou Open University",
        "name_local": "贵州开放大学",
        "acronym": "",
        "kind": "university",
        "country": "CN",
        "province": "Guizhou",
        "city": "Guiyang",
        "website": "",
        "description": (
            "Open university of Guizhou Province; partner of LCETPA in the cooperation agreements signed at "
            "the 2024 China-ASEAN Education Exchange Week."
        ),
        "languages": ["zh"],
        "sectors": ["e-commerce"],
        "offers": [
            ("online-course-sharing", "e-commerce", "Distance learning for partner countries."),
        ],
        "needs": [
            ("student-exchange", "e-commerce", "Learners from ASEAN countries."),
        ],
        "verified": True,
    },
    {
        "slug": "guizhou-vocational-technology-college-electronics-information",
        "name": "Guizhou Vocational Technology College of Electronics & Information",
        "name_local": "贵州电子信息职业技术学院",
        "acronym": "",
        "kind": "vocational_college",
        "country": "CN",
        "province": "Guizhou",
        "city": "",
        "website": "",
        "description": (
            "Vocational college for electronics and information technology; partner of LCETPA in the "
            "cooperation agreements signed at the 2024 China-ASEAN Education Exchange Week."
        ),
        "languages": ["zh"],
        "sectors": ["electronic-information-ict"],
        "offers": [
            ("teacher-training", "electronic-information-ict", "Training for partner teachers and students."),
        ],
        "needs": [
            ("internship-placement", "electronic-information-ict", "Placements abroad for graduates."),
        ],
        "verified": True,
    },
    {
        "slug": "guangxi-technological-college-machinery-electricity",
        "name": "Guangxi Technological College of Machinery and Electricity",
        "name_local": "广西机电职业技术学院",
        "acronym": "",
        "kind": "vocational_college",
        "country": "CN",
        "province": "Guangxi",
        "city": "Nanning",
        "website": "",
        "description": (
            "Vocational college for mechanical and electrical engineering in Nanning; partner of LCETPA in "
            "the cooperation agreements signed at the 2024 China-ASEAN Education Exchange Week."
        ),
        "languages": ["zh", "en"],
        "sectors": ["mechanical-electrical", "automotive-nev", "intelligent-manufacturing"],
        "offers": [
            ("industrial-college", "mechanical-electrical", "Craftsmanship workshops with ASEAN partners."),
            ("skills-competition", "intelligent-manufacturing", "Skills competitions for ASEAN students."),
        ],
        "needs": [
            ("student-exchange", "mechanical-electrical", "Students from ASEAN countries."),
        ],
        "verified": True,
    },
    {
        "slug": "wuhan-city-polytechnic",
        "name": "Wuhan City Polytechnic",
        "name_local": "武汉城市职业学院",
        "acronym": "",
        "kind": "polytechnic",
        "country": "CN",
        "province": "Hubei",
        "city": "Wuhan",
        "website": "",
        "description": (
            "Polytechnic in Wuhan; partner of LCETPA in the cooperation agreements signed at the 2024 "
            "China-ASEAN Education Exchange Week."
        ),
        "languages": ["zh"],
        "sectors": ["railway", "aviation"],
        "offers": [
            ("teacher-training", "railway", "Teacher and student training in rail transport."),
        ],
        "needs": [
            ("joint-programme", "aviation", "Partner schools for aviation services training."),
        ],
        "verified": True,
    },
    {
        "slug": "guangxi-education-department",
        "name": "Department of Education of Guangxi Zhuang Autonomous Region",
        "name_local": "广西壮族自治区教育厅",
        "acronym": "",
        "kind": "government_agency",
        "country": "CN",
        "province": "Guangxi",
        "city": "Nanning",
        "website": "",
        "description": (
            "Provincial education department. It has established 17 Modern Craftsman Colleges with ASEAN "
            "partners, hosts trainings and exchange programmes, works to attract ASEAN students, and "
            "organised the 2025 China (Guangxi)–ASEAN Vocational Education Development and Cooperation "
            "Conference."
        ),
        "languages": ["zh", "en"],
        "sectors": ["mechanical-electrical", "artificial-intelligence", "logistics-supply-chain"],
        "offers": [
            ("industrial-college", "mechanical-electrical", "Modern Craftsman Colleges with ASEAN partners."),
            ("student-exchange", "artificial-intelligence", "Study places in Guangxi for ASEAN students."),
        ],
        "needs": [
            (
                "policy-dialogue",
                "artificial-intelligence",
                "Government cooperation towards a China–ASEAN vocational education community.",
            ),
        ],
        "verified": True,
    },
    {
        "slug": "guangxi-government",
        "name": "People's Government of Guangxi Zhuang Autonomous Region",
        "name_local": "广西壮族自治区人民政府",
        "acronym": "",
        "kind": "government_agency",
        "country": "CN",
        "province": "Guangxi",
        "city": "Nanning",
        "website": "",
        "description": (
            "Regional government that hosted the 2025 China (Guangxi)–ASEAN Vocational Education "
            "Development and Cooperation Conference in Nanning."
        ),
        "languages": ["zh"],
        "sectors": ["artificial-intelligence"],
        "offers": [],
        "needs": [],
        "verified": True,
    },
    {
        "slug": "moe-china",
        "name": "Ministry of Education of the People's Republic of China",
        "name_local": "中华人民共和国教育部",
        "acronym": "MOE",
        "kind": "government_agency",
        "country": "CN",
        "province": "Beijing",
        "city": "Beijing",
        "website": "http://www.moe.gov.cn",
        "description": (
            "China's ministry of education. It co-organised the 2024 China-ASEAN Education Exchange Week; "
            "its Department of Vocational and Adult Education spoke at the 2025 China (Guangxi)–ASEAN "
            "Vocational Education Development and Cooperation Conference."
        ),
        "languages": ["zh"],
        "sectors": ["artificial-intelligence"],
        "offers": [
            ("policy-dialogue", "artificial-intelligence", "Strategic collaboration with ASEAN education authorities."),
        ],
        "needs": [],
        "verified": True,
    },
    {
        "slug": "mfa-china",
        "name": "Ministry of Foreign Affairs of the People's Republic of China",
        "name_local": "中华人民共和国外交部",
        "acronym": "MFA",
        "kind": "government_agency",
        "country": "CN",
        "province": "Beijing",
        "city": "Beijing",
        "website": "https://www.fmprc.gov.cn",
        "description": "China's foreign ministry; co-organiser of the 2024 China-ASEAN Education Exchange Week.",
        "languages": ["zh"],
        "sectors": [],
        "offers": [],
        "needs": [],
        "verified": True,
    },
    {
        "slug": "guizhou-government",
        "name": "People's Government of Guizhou Province",
        "name_local": "贵州省人民政府",
        "acronym": "",
        "kind": "government_agency",
        "country": "CN",
        "province": "Guizhou",
        "city": "Guiyang",
        "website": "https://www.guizhou.gov.cn",
        "description": "Provincial government; co-organiser of the 2024 China-ASEAN Education Exchange Week in Guiyang.",
        "languages": ["zh"],
        "sectors": [],
        "offers": [],
        "needs": [],
        "verified": True,
    },
    # Elsewhere
    {
        "slug": "mipt",
        "name": "Moscow Institute of Physics and Technology",
        "name_local": "Московский физико-технический институт",
        "acronym": "MIPT",
        "kind": "university",
        "country": "RU",
        "province": "Moscow Oblast",
        "city": "Dolgoprudny",
        "website": "https://mipt.ru",
        "description": (
            "Research university near Moscow; two participants from MIPT attended the 2nd China-SEA "
            "Partnership Workshop. Its School of Physics and Mathematics trains students in mathematics, physics, "
            "modelling and computer science with industry and scientific experts, updating its programmes "
            "to the labour market."
        ),
        "languages": ["ru", "en"],
        "sectors": ["artificial-intelligence", "electronic-information-ict"],
        "offers": [
            (
                "joint-research",
                "artificial-intelligence",
                "Joint research with China and Southeast Asian institutions.",
            ),
            (
                "curriculum-standards",
                "electronic-information-ict",
                "Programmes in mathematics, modelling and computer science.",
            ),
        ],
        "needs": [
            ("student-exchange", "artificial-intelligence", "Students from China and Southeast Asia."),
        ],
        "verified": True,
    },
    {
        "slug": "lao-national-chamber-of-commerce-and-industry",
        "name": "Lao National Chamber of Commerce and Industry",
        "name_local": "ສະພາການຄ້າ ແລະ ອຸດສາຫະກຳແຫ່ງຊາດລາວ",
        "acronym": "LNCCI",
        "kind": "industry_association",
        "country": "LA",
        "province": "Vientiane Capital",
        "city": "Vientiane",
        "website": "",
        "description": (
            "National business chamber of Laos, under whose auspices LCETPA and Asin ASEAN (Chongqing) "
            "signed cooperation agreements at the 2024 China-ASEAN Education Exchange Week."
        ),
        "languages": ["lo", "en"],
        "sectors": ["e-commerce", "logistics-supply-chain"],
        "offers": [
            ("internship-placement", "e-commerce", "Links to Lao businesses for placements."),
        ],
        "needs": [
            ("teacher-training", "e-commerce", "Skills training for the Lao workforce."),
        ],
        "verified": True,
    },
    {
        "slug": "jppkk-malaysia",
        "name": "Department of Polytechnic and Community College Education",
        "name_local": "Jabatan Pendidikan Politeknik dan Kolej Komuniti",
        "acronym": "JPPKK",
        "kind": "government_agency",
        "country": "MY",
        "province": "Putrajaya",
        "city": "Putrajaya",
        "website": "",
        "description": (
            "Department of Malaysia's Ministry of Higher Education for polytechnics and community colleges. "
            "It integrates digital solutions through online learning and advanced assessments, and works "
            "with industry leaders on students' and educators' digital skills."
        ),
        "languages": ["ms", "en"],
        "sectors": ["electronic-information-ict", "artificial-intelligence"],
        "offers": [
            ("curriculum-standards", "electronic-information-ict", "Industry-aligned digital skills programmes."),
        ],
        "needs": [
            ("teacher-training", "artificial-intelligence", "Joint initiatives in curriculum and teacher training."),
        ],
        "verified": True,
    },
    {
        "slug": "ovec-thailand",
        "name": "Office of the Vocational Education Commission",
        "name_local": "สำนักงานคณะกรรมการการอาชีวศึกษา",
        "acronym": "OVEC",
        "kind": "government_agency",
        "country": "TH",
        "province": "Bangkok",
        "city": "Bangkok",
        "website": "https://www.vec.go.th",
        "description": (
            "Thailand's vocational education authority. A director of its Bureau of Policy and Planning "
            "gave remarks at the closing of the 2nd China-SEA Partnership Workshop on the digital "
            "transformation of TVET."
        ),
        "languages": ["th", "en"],
        "sectors": ["electronic-information-ict", "tourism-hospitality"],
        "offers": [
            ("policy-dialogue", "electronic-information-ict", "International cooperation on digital TVET."),
        ],
        "needs": [
            ("curriculum-standards", "electronic-information-ict", "Alignment with international standards."),
        ],
        "verified": True,
    },
    # Fictional, so that every country of the 2nd China-SEA Partnership Workshop is represented.
    {
        "slug": "seria-institute-energy-digital-skills",
        "name": "Seria Institute of Energy and Digital Skills",
        "name_local": "Institut Tenaga dan Kemahiran Digital Seria",
        "acronym": "SIEDS",
        "kind": "technical_institute",
        "country": "BN",
        "province": "Belait",
        "city": "Seria",
        "website": "",
        "description": FICTIONAL + " A technical institute training for the energy sector and digital skills.",
        "languages": ["ms", "en"],
        "sectors": ["new-energy", "green-skills", "electronic-information-ict"],
        "offers": [
            ("curriculum-standards", "green-skills", "Sustainability modules in digital training."),
        ],
        "needs": [
            ("teacher-training", "new-energy", "Trainers for renewable-energy technicians."),
        ],
        "verified": True,
    },
    {
        "slug": "cendana-polytechnic",
        "name": "Cendana Polytechnic of Technology",
        "name_local": "Politeknik Teknologi Cendana",
        "acronym": "",
        "kind": "polytechnic",
        "country": "ID",
        "province": "Central Java",
        "city": "Semarang",
        "website": "",
        "description": FICTIONAL + " A polytechnic with programmes in agricultural technology and ICT.",
        "languages": ["id", "en"],
        "sectors": ["digital-agriculture", "electronic-information-ict"],
        "offers": [
            ("scholarship", "digital-agriculture", "Scholarships for Southeast Asian students."),
        ],
        "needs": [
            ("joint-research", "digital-agriculture", "Low-cost sensors for tropical aquaculture."),
        ],
        "verified": True,
    },
    {
        "slug": "tanjung-puteri-technical-college",
        "name": "Tanjung Puteri Technical College",
        "name_local": "Kolej Teknikal Tanjung Puteri",
        "acronym": "",
        "kind": "vocational_college",
        "country": "MY",
        "province": "Johor",
        "city": "Johor Bahru",
        "website": "",
        "description": FICTIONAL + " A technical college training for manufacturing and digital industries.",
        "languages": ["ms", "en"],
        "sectors": ["mechanical-electrical", "electronic-information-ict"],
        "offers": [
            ("internship-placement", "mechanical-electrical", "Placements with industry partners in Johor."),
        ],
        "needs": [
            ("industrial-college", "mechanical-electrical", "A craftsmanship workshop with a Chinese partner."),
        ],
        "verified": True,
    },
    {
        "slug": "bohol-coastal-polytechnic-college",
        "name": "Bohol Coastal Polytechnic College",
        "name_local": "",
        "acronym": "",
        "kind": "polytechnic",
        "country": "PH",
        "province": "Bohol",
        "city": "Tagbilaran",
        "website": "",
        "description": FICTIONAL + " A polytechnic college for tourism, hospitality and health care.",
        "languages": ["en", "fil"],
        "sectors": ["tourism-hospitality", "health-care"],
        "offers": [
            ("internship-placement", "tourism-hospitality", "Hospitality internships on Bohol."),
        ],
        "needs": [
            ("skills-competition", "mechanical-electrical", "A way into regional skills competitions."),
        ],
        "verified": True,
    },
    {
        "slug": "marina-institute-applied-technology",
        "name": "Marina Institute of Applied Technology",
        "name_local": "",
        "acronym": "MIAT",
        "kind": "technical_institute",
        "country": "SG",
        "province": "",
        "city": "Singapore",
        "website": "",
        "description": FICTIONAL + " An applied-technology institute for logistics and AI.",
        "languages": ["en", "zh", "ms"],
        "sectors": ["logistics-supply-chain", "artificial-intelligence"],
        "offers": [
            ("joint-programme", "logistics-supply-chain", "Joint diplomas in supply-chain technology."),
            ("teacher-training", "artificial-intelligence", "Short courses in applied AI for trainers."),
        ],
        "needs": [
            ("joint-research", "artificial-intelligence", "Research partners for AI in logistics."),
        ],
        "verified": True,
    },
    {
        "slug": "andaman-college-tourism-technology",
        "name": "Andaman College of Tourism and Technology",
        "name_local": "วิทยาลัยการท่องเที่ยวและเทคโนโลยีอันดามัน",
        "acronym": "",
        "kind": "vocational_college",
        "country": "TH",
        "province": "Phuket",
        "city": "Phuket",
        "website": "",
        "description": FICTIONAL + " A vocational college for tourism, hospitality and electronics.",
        "languages": ["th", "en"],
        "sectors": ["tourism-hospitality", "electronic-information-ict"],
        "offers": [
            ("internship-placement", "tourism-hospitality", "Internships with free accommodation."),
        ],
        "needs": [
            ("language-skills", "tourism-hospitality", "Mandarin for hospitality students."),
        ],
        "verified": True,
    },
    {
        "slug": "lorosae-technical-institute",
        "name": "Lorosa'e Technical Institute",
        "name_local": "Instituto Técnico Lorosa'e",
        "acronym": "",
        "kind": "technical_institute",
        "country": "TL",
        "province": "Baucau",
        "city": "Baucau",
        "website": "",
        "description": FICTIONAL + " A technical institute for construction and electrical trades.",
        "languages": ["tet", "pt", "en"],
        "sectors": ["construction", "new-energy"],
        "offers": [],
        "needs": [
            ("teacher-training", "construction", "Trainers for construction trades."),
            ("equipment-donation", "new-energy", "Solar training equipment."),
        ],
        "verified": False,
    },
    {
        "slug": "hai-van-college-of-engineering",
        "name": "Hai Van College of Engineering",
        "name_local": "Trường Cao đẳng Kỹ thuật Hải Vân",
        "acronym": "",
        "kind": "vocational_college",
        "country": "VN",
        "province": "Da Nang",
        "city": "Da Nang",
        "website": "",
        "description": FICTIONAL + " A college of engineering with programmes in e-commerce and logistics.",
        "languages": ["vi", "en"],
        "sectors": ["e-commerce", "logistics-supply-chain", "mechanical-electrical"],
        "offers": [
            ("student-exchange", "logistics-supply-chain", "Short exchanges in Da Nang."),
        ],
        "needs": [
            ("language-skills", "e-commerce", "Mandarin with cross-border e-commerce skills."),
        ],
        "verified": True,
    },
    {
        "slug": "mekong-lancang-council-industry-education",
        "name": "Mekong-Lancang Council of Industry and Education",
        "name_local": "",
        "acronym": "",
        "kind": "alliance",
        "country": "CN",
        "province": "",
        "city": "",
        "website": "",
        "description": (
            "Council of industry and education of the Mekong-Lancang countries. It supported the cooperation "
            "agreements that LCETPA and Asin ASEAN (Chongqing) signed at the 2024 China-ASEAN Education "
            "Exchange Week."
        ),
        "languages": ["zh", "en"],
        "sectors": ["e-commerce", "electronic-information-ict"],
        "offers": [],
        "needs": [],
        "verified": True,
    },
    {
        "slug": "catecp",
        "name": "China–ASEAN Technical Education Cooperation Platform",
        "name_local": "",
        "acronym": "CATECP",
        "kind": "alliance",
        "country": "KH",
        "province": "Phnom Penh",
        "city": "Phnom Penh",
        "website": "",
        "description": (
            "Platform promoted by SEAMEO TED for resource sharing and collaborative engagement among vocational "
            "institutions, enterprises and relevant organisations in China and ASEAN: curriculum and standards "
            "co-development, faculty and student exchanges, internship and employment programmes. In 2024, 41 "
            "Chinese schools shared over 300 courses on it, reaching all ASEAN countries and 256,672 students."
        ),
        "languages": ["en", "zh"],
        "sectors": ["electronic-information-ict", "mechanical-electrical"],
        "offers": [
            ("curriculum-standards", "electronic-information-ict", "Online courses shared by Chinese schools."),
        ],
        "needs": [],
        "verified": True,
    },
]

# --- Alliance memberships ----------------------------------------------------------------------
# (alliance slug, member slug, role, joined on or None, note). The reports name few members:
# where they only say that an institution took part, the note says so; the rest is marked
# illustrative, like the demo's illustrative milestones.
ILLUSTRATIVE_MEMBERSHIP = "Illustrative membership (demonstration data)."

# fmt: off
ALLIANCE_MEMBERSHIPS = [
    ("china-asean-mechanical-electrical-alliance", "seameo-ted", "observer", "2025-12-15",
     "Attended the inaugural conference in Guangzhou on 15 December 2025 and presented CATECP there."),
    ("china-asean-mechanical-electrical-alliance", "kampong-speu-institute-of-technology", "observer", "2025-12-15",
     "Its president was in the Cambodian delegation to the inaugural conference."),
    ("china-asean-mechanical-electrical-alliance", "tboung-khmum-education-department", "observer", "2025-12-15",
     "Its deputy director was in the Cambodian delegation to the inaugural conference."),
    ("china-asean-mechanical-electrical-alliance", "guangxi-technological-college-machinery-electricity",
     "founding_member", "2025-12-15", ILLUSTRATIVE_MEMBERSHIP),
    ("china-asean-mechanical-electrical-alliance", "guangdong-industry-polytechnic-university",
     "founding_member", "2025-12-15", ILLUSTRATIVE_MEMBERSHIP),
    ("lcetpa", "asin-asean-chongqing", "secretariat", None,
     "The Alliance's Secretary General is the President of Asin ASEAN (Chongqing)."),
    ("lcetpa", "guizhou-open-university", "member", "2024-08-21", ILLUSTRATIVE_MEMBERSHIP),
    ("lcetpa", "wuhan-city-polytechnic", "member", "2024-08-21", ILLUSTRATIVE_MEMBERSHIP),
    ("mekong-lancang-council-industry-education", "lcetpa", "member", None, ILLUSTRATIVE_MEMBERSHIP),
    ("mekong-lancang-council-industry-education", "lao-national-chamber-of-commerce-and-industry", "observer", None,
     ILLUSTRATIVE_MEMBERSHIP),
    ("catecp", "seameo-ted", "secretariat", None, "SEAMEO TED promotes the platform; its Director presented it at the Alliance's inaugural conference."),
    ("catecp", "shenzhen-polytechnic-university", "member", "2024-01-01", ILLUSTRATIVE_MEMBERSHIP),
    ("catecp", "shenzhen-institute-of-information-technology", "member", "2024-01-01", ILLUSTRATIVE_MEMBERSHIP),
]
# fmt: on

# --- People (all fictional; email is <key>@example.org) -------------------------------------
# (key, display name, institution slug, job title, preferred language, time zone)

# One person per line reads as a table; the formatter would spread each over eight lines.
# fmt: off
PEOPLE = [
    # The three demo accounts; portal.demo.DEMO_ACCOUNTS lists their passwords.
    ("participant", "Chan Sophea", "kampong-speu-institute-of-technology", "Lecturer in electrical engineering", "en", "Asia/Phnom_Penh"),
    ("admin", "李文 Li Wen", "shenzhen-polytechnic-university", "International cooperation officer", "zh-hans", "Asia/Shanghai"),
    ("secretariat", "Prak Sreymom", "seameo-ted", "Programme officer", "en", "Asia/Phnom_Penh"),
    # China
    ("zhao.ming", "赵明 Zhao Ming", "shenzhen-polytechnic-university", "Lecturer in automotive engineering", "zh-hans", "Asia/Shanghai"),
    ("wang.lei", "王磊 Wang Lei", "shenzhen-polytechnic-university", "Lecturer in industrial robotics", "zh-hans", "Asia/Shanghai"),
    ("chen.jing", "陈静 Chen Jing", "shenzhen-institute-of-information-technology", "International office coordinator", "zh-hans", "Asia/Shanghai"),
    ("liu.yang", "刘洋 Liu Yang", "shenzhen-institute-of-information-technology", "Lecturer in software engineering", "zh-hans", "Asia/Shanghai"),
    ("huang.wei", "黄伟 Huang Wei", "guangdong-polytechnic-water-resources-electric-engineering", "Lecturer in power engineering", "zh-hans", "Asia/Shanghai"),
    ("zhou.lin", "周琳 Zhou Lin", "guangdong-industry-polytechnic-university", "International exchange officer", "zh-hans", "Asia/Shanghai"),
    ("lin.tao", "林涛 Lin Tao", "guangxi-technological-college-machinery-electricity", "Lecturer in mechatronics", "zh-hans", "Asia/Shanghai"),
    ("he.fang", "何芳 He Fang", "guangxi-technological-college-machinery-electricity", "International office coordinator", "zh-hans", "Asia/Shanghai"),
    ("guo.peng", "郭鹏 Guo Peng", "wuhan-city-polytechnic", "Lecturer in rail transport", "zh-hans", "Asia/Shanghai"),
    ("ma.li", "马丽 Ma Li", "guizhou-open-university", "E-commerce programme coordinator", "zh-hans", "Asia/Shanghai"),
    ("sun.qiang", "孙强 Sun Qiang", "guizhou-vocational-technology-college-electronics-information", "Lecturer in electronic information", "zh-hans", "Asia/Shanghai"),
    ("xu.yan", "许燕 Xu Yan", "go-study-global-education", "Project manager", "zh-hans", "Asia/Shanghai"),
    ("tang.hao", "唐浩 Tang Hao", "go-study-global-education", "Project officer", "en", "Asia/Shanghai"),
    ("feng.xue", "冯雪 Feng Xue", "china-asean-mechanical-electrical-alliance", "Secretariat officer", "zh-hans", "Asia/Shanghai"),
    ("deng.hui", "邓慧 Deng Hui", "guangxi-education-department", "Programme officer", "zh-hans", "Asia/Shanghai"),
    ("yang.fan", "杨帆 Yang Fan", "asean-china-centre", "Programme officer", "en", "Asia/Shanghai"),
    ("qian.rui", "钱睿 Qian Rui", "ceaie", "Programme officer", "zh-hans", "Asia/Shanghai"),
    ("song.jia", "宋佳 Song Jia", "asin-asean-chongqing", "Project officer", "zh-hans", "Asia/Shanghai"),
    ("peng.yu", "彭宇 Peng Yu", "lcetpa", "Coordinator", "zh-hans", "Asia/Shanghai"),
    # Cambodia
    ("sok.pisey", "Sok Pisey", "kampong-speu-institute-of-technology", "Lecturer in mechanical engineering", "en", "Asia/Phnom_Penh"),
    ("chea.rithy", "Chea Rithy", "seameo-ted", "Partnerships officer", "en", "Asia/Phnom_Penh"),
    ("mao.vuthy", "Mao Vuthy", "tboung-khmum-education-department", "Education officer", "en", "Asia/Phnom_Penh"),
    ("lim.bopha", "Lim Bopha", "moeys-cambodia", "TVET officer", "en", "Asia/Phnom_Penh"),
    ("keo.ratanak", "Keo Ratanak", "molvt-cambodia", "Training standards officer", "en", "Asia/Phnom_Penh"),
    ("ouk.chanthy", "Ouk Chanthy", "phnom-penh-sez", "Human resources officer", "en", "Asia/Phnom_Penh"),
    # Southeast Asia
    ("somchai.wongsakul", "Somchai Wongsakul", "andaman-college-tourism-technology", "Head of hospitality programmes", "en", "Asia/Bangkok"),
    ("ananya.srisuk", "Ananya Srisuk", "ovec-thailand", "International relations officer", "en", "Asia/Bangkok"),
    ("nguyen.van.an", "Nguyễn Văn An", "hai-van-college-of-engineering", "Head of international cooperation", "en", "Asia/Ho_Chi_Minh"),
    ("tran.thi.lan", "Trần Thị Lan", "hai-van-college-of-engineering", "Lecturer in logistics", "en", "Asia/Ho_Chi_Minh"),
    ("nurul.aisyah", "Nurul Aisyah binti Ahmad", "tanjung-puteri-technical-college", "Industry liaison officer", "en", "Asia/Kuala_Lumpur"),
    ("hafiz.razak", "Muhammad Hafiz bin Razak", "jppkk-malaysia", "Assistant director", "en", "Asia/Kuala_Lumpur"),
    ("rina.kusuma", "Rina Kusuma", "cendana-polytechnic", "Scholarship coordinator", "en", "Asia/Jakarta"),
    ("budi.santoso", "Budi Santoso", "cendana-polytechnic", "Lecturer in agricultural technology", "en", "Asia/Jakarta"),
    ("maria.delacruz", "Maria dela Cruz", "bohol-coastal-polytechnic-college", "Dean of hospitality", "en", "Asia/Manila"),
    ("tan.weiming", "Tan Wei Ming", "marina-institute-applied-technology", "Senior lecturer in supply-chain technology", "en", "Asia/Singapore"),
    ("nur.hazirah", "Nur Hazirah binti Abdullah", "seria-institute-energy-digital-skills", "Programme leader", "en", "Asia/Brunei"),
    ("joaquim.dacosta", "Joaquim da Costa", "lorosae-technical-institute", "Director of studies", "en", "Asia/Dili"),
    ("khamla.phommavong", "Khamla Phommavong", "lao-national-chamber-of-commerce-and-industry", "Skills development officer", "en", "Asia/Vientiane"),
    ("bounmy.sisavath", "Bounmy Sisavath", "lao-national-chamber-of-commerce-and-industry", "Member services officer", "en", "Asia/Vientiane"),
    # Russia
    ("anna.sokolova", "Anna Sokolova", "mipt", "International programmes manager", "en", "Europe/Moscow"),
    ("dmitry.volkov", "Dmitry Volkov", "mipt", "Associate professor of applied mathematics", "en", "Europe/Moscow"),
]
# fmt: on

# Memberships that differ from an active plain membership.
# The demo accounts' admin, and the fictional admins who ask for and decide on shared courses
# (portal.demo_courses): only an institution's admins may.
ADMIN_MEMBERS = {"admin", "nguyen.van.an", "rina.kusuma", "chen.jing"}
PENDING_MEMBERS = {"zhao.ming"}
STAFF = {"secretariat"}

# Institutions the demo participant saved to their shortlist, with their private notes.
SHORTLISTS = [
    ("participant", "byd", "New-energy vehicle internships for our electrical students; ask at the next workshop."),
    ("participant", "shenzhen-polytechnic-university", "Teacher training in industrial robotics."),
    ("participant", "andaman-college-tourism-technology", ""),
]

# --- Events -----------------------------------------------------------------------------------
# Times are local to the event's time zone. The reports give dates but rarely times: session
# times are illustrative unless a comment says otherwise.

WORKSHOP_2 = "2nd-china-sea-partnership-workshop-2025"
EXCHANGE_WEEK = "china-asean-education-exchange-week-2024"
ALLIANCE = "china-asean-mechanical-electrical-alliance-inaugural-conference"
GUANGXI = "china-guangxi-asean-vocational-education-conference-2025"
STUDY_TRIP = "tvet-exchange-trip-guangdong-ams-diplomats-2024"
UPCOMING = "3rd-china-sea-partnership-workshop-demo"

EVENTS = [
    {
        "slug": ALLIANCE,
        "title": "Inaugural China–ASEAN Belt and Road Mechanical and Electrical Industry–Education Alliance Conference",
        "kind": "conference",
        "theme": "Advancing High-Quality Collaboration among Government, Education Institutions, and Industry",
        "description": (
            "The inaugural conference of the Alliance, held with the Forum on International Cooperation in "
            "Vocational Education and Industry–Education Integration. Representatives of vocational "
            "institutions, industry organisations and enterprises from China and ASEAN Member States "
            "discussed the internationalisation of vocational education, industry–education integration and "
            "support for regional industrial development. SEAMEO TED presented the China–ASEAN Technical "
            "Education Cooperation Platform (CATECP) and the newly launched China–ASEAN Industry–Education "
            "Integration “Core” Initiative."
        ),
        "organisers": ["china-asean-mechanical-electrical-alliance"],
        "city": "Guangzhou",
        "country": "CN",
        "venue": "",
        "time_zone": "Asia/Shanghai",
        # The report says "15 December" without a year; 2025 is inferred from the "Core"
        # Initiative it calls newly launched.
        "start_date": "2025-12-15",
        "end_date": "2025-12-15",
        "status": "closed",
        "sessions": [
            {
                "title": "Inaugural conference of the Alliance",
                "kind": "plenary",
                "starts_at": "2025-12-15 09:00",
                "ends_at": "2025-12-15 12:00",
                "description": (
                    "Remarks by government, education and industry representatives, including SEAMEO TED on "
                    "school–enterprise collaboration guided by the real needs of industry."
                ),
            },
            {
                "title": "Roundtable forum on international cooperation in vocational education and industry–education integration",
                "kind": "panel",
                "starts_at": "2025-12-15 14:00",
                "ends_at": "2025-12-15 17:00",
                "description": (
                    "Demand for localised technical talent grows as Chinese enterprises expand in ASEAN "
                    "countries; the forum discussed deeper enterprise participation in talent development."
                ),
            },
        ],
    },
    {
        "slug": WORKSHOP_2,
        "title": "2nd China-SEA Partnership Workshop",
        # Follow-up questions one and three weeks after the networking session.
        "follow_up_days": [7, 21],
        "kind": "workshop",
        "theme": "Internationalisation of digital technologies in TVET",
        "description": (
            "Initiated by SEAMEO TED with its Chinese partner Go Study Global Education to promote "
            "educational cooperation between China and Southeast Asia. 134 participants from 48 schools and "
            "institutes in China, nine Southeast Asian countries (Cambodia, Brunei Darussalam, Indonesia, "
            "Malaysia, the Philippines, Singapore, Thailand, Timor-Leste and Vietnam) and the Russian "
            "Federation: 56 participants from 24 Chinese institutions, 51 from 8 Cambodian institutions, 25 "
            "from 15 institutions of the other Southeast Asian countries and 2 from 1 Russian institution, the "
            "Moscow Institute of Physics and Technology. Thirteen experts presented thirteen topics in two main "
            "sessions; 13 MoUs were signed among 14 schools."
        ),
        "organisers": ["seameo-ted", "go-study-global-education"],
        "city": "Phnom Penh",
        "country": "KH",
        "venue": "",
        "time_zone": "Asia/Phnom_Penh",
        "start_date": "2025-05-12",
        "end_date": "2025-05-13",
        "status": "closed",
        "sessions": [
            {
                "title": "Industrial visit to Phnom Penh Special Economic Zone (RGPPSEZ)",
                "kind": "industrial_visit",
                "starts_at": "2025-05-12 08:00",
                "ends_at": "2025-05-12 12:00",
                "description": "Production lines and the skills production needs, at factories and companies in the zone.",
            },
            {
                "title": "Cultural visit: Royal Palace, National Museum and a local market",
                "kind": "cultural_visit",
                "starts_at": "2025-05-12 14:00",
                "ends_at": "2025-05-12 17:30",
                "description": "Exploring local cultures of Cambodia.",
            },
            {
                "title": "Opening ceremony",
                "kind": "ceremony",
                "starts_at": "2025-05-13 08:00",
                "ends_at": "2025-05-13 09:00",
                "description": (
                    "Welcoming remarks by SEAMEO TED's Centre Director; remarks by the Education Department "
                    "of Guangxi Zhuang Autonomous Region and by Malaysia's Department of Polytechnic and "
                    "Community College Education; opening remarks on behalf of Cambodia's Ministry of "
                    "Education, Youth and Sport."
                ),
            },
            {
                "title": "Session I: Collaboration Between Industry and TVET Providers for Digital Skills Development",
                "kind": "panel",
                "starts_at": "2025-05-13 09:15",
                "ends_at": "2025-05-13 10:45",
                "description": (
                    "Five speakers. Strong industry–TVET linkages keep skillsets relevant; digital skills are "
                    "essential for competitiveness; proposals for a “Chinese + Skills” programme (Mandarin + "
                    "IoT maintenance), joint R&D on low-cost sensors for tropical aquaculture, digital "
                    "logistics in Cambodia, and shared curricula, industrial colleges and research centres "
                    "in construction and new energy."
                ),
            },
            {
                "title": "Session II: Adopting Industry 4.0 Technologies in TVET Training",
                "kind": "panel",
                "starts_at": "2025-05-13 11:00",
                "ends_at": "2025-05-13 12:30",
                "description": (
                    "Seven speakers. Public–private partnerships, teacher training and international "
                    "standards; regional Industry 4.0 skill standards, joint research and industry-sponsored "
                    "labs; pilot labs before scaling; skills competitions as a bridge for ASEAN mechanical "
                    "and electrical talent."
                ),
            },
            {
                "title": "Networking session",
                "kind": "matchmaking",
                "starts_at": "2025-05-13 14:00",
                "ends_at": "2025-05-13 15:30",
                "description": (
                    "Three phases. Phase 1: a survey on regional collaboration, answered by scanning the QR "
                    "code at each table (15 minutes). Phase 2: proposals and calls for collaboration, "
                    "including internships with Thai schools offering free accommodation, scholarships from "
                    "Indonesian institutions and SEAMEO TED's Training Academies. Phase 3: 15 minutes to "
                    "walk around, find partners and exchange contacts. The meeting slots and 1:1 meetings "
                    "recorded here are illustrative."
                ),
                "table_count": 15,
                "slot_minutes": 15,
                "break_minutes": 5,
                "max_meetings_per_person": 4,
                "request_deadline": "2025-05-12 18:00",
                "slot_count": 4,
            },
            {
                "title": "MoU signing ceremony",
                "kind": "mou_ceremony",
                "starts_at": "2025-05-13 15:45",
                "ends_at": "2025-05-13 16:30",
                "description": "13 MoUs signed among 14 schools from China, Southeast Asian countries and Russia.",
            },
            {
                "title": "Closing ceremony",
                "kind": "ceremony",
                "starts_at": "2025-05-13 16:30",
                "ends_at": "2025-05-13 17:00",
                "description": (
                    "Remarks by Thailand's Office of the Vocational Education Commission and closing remarks "
                    "by SEAMEO TED's Centre Director."
                ),
            },
        ],
    },
    {
        "slug": EXCHANGE_WEEK,
        "title": "2024 China-ASEAN Education Exchange Week",
        "kind": "exchange_week",
        "theme": "Deepening education cooperation, promoting people-to-people exchanges, and working together for the future",
        "description": (
            "More than 4,000 guests and representatives, over 1,000 of them from abroad, from education and "
            "labour departments, industry, universities and industry associations of the ten ASEAN "
            "countries. The week shared experience in higher, vocational, basic and special education and "
            "lifelong learning, with people-to-people exchanges as its main theme. Some 25 delegates from "
            "Laos attended the opening ceremony."
        ),
        "organisers": ["mfa-china", "moe-china", "guizhou-government"],
        "city": "Guiyang",
        "country": "CN",
        "venue": "Gui'an New District",
        "time_zone": "Asia/Shanghai",
        # The report gives the date of the opening ceremony only.
        "start_date": "2024-08-21",
        "end_date": "2024-08-21",
        "status": "closed",
        "sessions": [
            {
                "title": "Opening ceremony",
                "kind": "ceremony",
                "starts_at": "2024-08-21 09:00",
                "ends_at": "2024-08-21 11:00",
                "description": "Opening of the week in the Gui'an New District of Guiyang.",
            },
            {
                "title": "Signing ceremony for university–enterprise collaborative projects",
                "kind": "mou_ceremony",
                "starts_at": "2024-08-21 14:00",
                "ends_at": "2024-08-21 16:00",
                "description": (
                    "LCETPA and Asin ASEAN (Chongqing) signed cooperation agreements with domestic and "
                    "international partners, under the auspices of the Lao National Chamber of Commerce and "
                    "Industry and supported by the Mekong Lancang Council of Industry and Education."
                ),
            },
        ],
    },
    {
        "slug": GUANGXI,
        "title": "2025 China (Guangxi)–ASEAN Vocational Education Development and Cooperation Conference",
        "kind": "conference",
        "theme": "Promoting AI Empowerment and Building a Digital Foundation together for Vocational Education",
        "description": (
            "Hosted by the People's Government of Guangxi Zhuang Autonomous Region, organised by its "
            "Department of Education and supported by the ASEAN-China Centre: a platform for academic "
            "communication, achievement display, cooperation negotiation and project matching. Speakers "
            "from the ASEAN-China Centre, Cambodia, Indonesia, Laos, Myanmar and China's Ministry of "
            "Education opened the conference, which announced the AI-Empowered China-ASEAN Modern "
            "Craftsmanship Institute Construction Program, the “Hundred-Thousand-Ten Thousand” AI Talent "
            "Development Project towards ASEAN, the International Competition of “Chinese + Vocational "
            "Skill in Logistics and Supply Chain” and the First Invitation Tournament Facing Colleges in "
            "ASEAN Countries. Vocational institutions from China and ASEAN countries signed project "
            "cooperation agreements (not itemised in the report)."
        ),
        "organisers": ["guangxi-government", "guangxi-education-department"],
        "city": "Nanning",
        "country": "CN",
        "venue": "",
        "time_zone": "Asia/Shanghai",
        "start_date": "2025-09-15",
        "end_date": "2025-09-15",
        "status": "closed",
        "sessions": [
            {
                "title": "Opening ceremony",
                "kind": "ceremony",
                "starts_at": "2025-09-15 09:00",
                "ends_at": "2025-09-15 11:00",
                "description": "Opening speeches and the announcement of four programmes for AI and skills with ASEAN.",
            },
            {
                "title": "Signing of project cooperation agreements",
                "kind": "mou_ceremony",
                "starts_at": "2025-09-15 11:00",
                "ends_at": "2025-09-15 12:00",
                "description": "Vocational institutions from China and ASEAN countries signed project cooperation agreements.",
            },
        ],
    },
    {
        "slug": STUDY_TRIP,
        "title": "TVET Exchange Trip to Guangdong for AMS Diplomats",
        "kind": "study_trip",
        "theme": "Industry–education integration in Guangdong's vocational education",
        "description": (
            "Jointly initiated by the ASEAN-China Centre and the China Education Association for "
            "International Exchange. Diplomats in charge of education affairs from the embassies of Brunei "
            "Darussalam, Cambodia, Indonesia, Laos, Malaysia, the Philippines, Singapore, Thailand and "
            "Vietnam visited TVET colleges, industrial colleges, technology enterprises and related "
            "institutions in Guangzhou and Shenzhen, observed teaching in training rooms, met school leaders "
            "and overseas students from ASEAN countries, and toured enterprise training bases."
        ),
        "organisers": ["asean-china-centre", "ceaie"],
        "city": "Guangzhou and Shenzhen",
        "country": "CN",
        "venue": "",
        "time_zone": "Asia/Shanghai",
        "start_date": "2024-10-22",
        "end_date": "2024-10-26",
        "status": "closed",
        # The report names the visits but not their order: days and times are illustrative.
        "sessions": [
            {
                "title": "Visit to Guangdong Industry Polytechnic University",
                "kind": "industrial_visit",
                "starts_at": "2024-10-23 09:00",
                "ends_at": "2024-10-23 11:30",
                "description": "Teaching in training rooms and a discussion with school leaders.",
            },
            {
                "title": "Visit to Guangdong Polytechnic of Water Resources and Electric Engineering",
                "kind": "industrial_visit",
                "starts_at": "2024-10-23 14:00",
                "ends_at": "2024-10-23 16:30",
                "description": "A school specialising in a distinctive industry.",
            },
            {
                "title": "Visit to the training base of GAC Group",
                "kind": "industrial_visit",
                "starts_at": "2024-10-24 09:30",
                "ends_at": "2024-10-24 12:00",
                "description": "An enterprise training base run with partner vocational schools and research institutes.",
            },
            {
                "title": "Visit to UNESCO-ICHEI",
                "kind": "industrial_visit",
                "starts_at": "2024-10-24 15:30",
                "ends_at": "2024-10-24 17:00",
                "description": "The digitisation of higher education in Southeast Asia and potential cooperation projects.",
            },
            {
                "title": "Visit to Shenzhen Polytechnic University",
                "kind": "industrial_visit",
                "starts_at": "2024-10-25 09:00",
                "ends_at": "2024-10-25 11:30",
                "description": "Centres for smart manufacturing and industrial software; meeting ASEAN students.",
            },
            {
                "title": "Visit to Shenzhen Institute of Information Technology",
                "kind": "industrial_visit",
                "starts_at": "2024-10-25 14:00",
                "ends_at": "2024-10-25 16:30",
                "description": "Training rooms and a discussion with school leaders.",
            },
            {
                "title": "Visit to Southern University of Science and Technology",
                "kind": "industrial_visit",
                "starts_at": "2024-10-26 09:00",
                "ends_at": "2024-10-26 11:00",
                "description": "Integration of science and education.",
            },
            {
                "title": "Visit to the training base of BYD",
                "kind": "industrial_visit",
                "starts_at": "2024-10-26 14:00",
                "ends_at": "2024-10-26 16:00",
                "description": "Production–education integration and the company's collaboration with AMS.",
            },
        ],
    },
    {
        "slug": UPCOMING,
        "title": "3rd China-SEA Partnership Workshop (demonstration event)",
        "kind": "workshop",
        "theme": "From pilot labs to partnerships: AI and digital skills in TVET",
        "description": (
            "Fictional demonstration event: it has not been announced and exists only in the demo data, so "
            "that registration, meeting requests, the meeting scheduler and MoU signing can be tried out. "
            "Sessions, dates and participants are invented."
        ),
        "organisers": ["seameo-ted", "go-study-global-education"],
        "city": "Phnom Penh",
        "country": "KH",
        "venue": "",
        "time_zone": "Asia/Phnom_Penh",
        # Fixed dates, so that loading again changes nothing.
        "start_date": "2027-05-11",
        "end_date": "2027-05-12",
        "status": "published",
        "capacity": 200,
        "registration_opens_at": "2026-10-01 00:00",
        "registration_closes_at": "2027-05-01 23:59",
        "sessions": [
            {
                "title": "Opening ceremony",
                "kind": "ceremony",
                "starts_at": "2027-05-11 08:30",
                "ends_at": "2027-05-11 09:30",
                "description": "Welcome by the organisers (fictional).",
            },
            {
                "title": "Panel: AI and digital skills in TVET, from pilot labs to scale",
                "kind": "panel",
                "starts_at": "2027-05-11 09:45",
                "ends_at": "2027-05-11 11:30",
                "description": "Fictional panel for the demonstration.",
            },
            {
                "title": "Industrial visit",
                "kind": "industrial_visit",
                "starts_at": "2027-05-11 14:00",
                "ends_at": "2027-05-11 17:00",
                "description": "Fictional visit to factories for the demonstration.",
            },
            {
                "title": "Partner matchmaking",
                "kind": "matchmaking",
                "starts_at": "2027-05-12 09:00",
                "ends_at": "2027-05-12 15:35",
                "description": "1:1 meetings of 20 minutes at numbered tables. Send requests before the deadline.",
                "table_count": 30,
                "slot_minutes": 20,
                "break_minutes": 5,
                "max_meetings_per_person": 8,
                "request_deadline": "2027-05-05 23:59",
                "slot_count": 16,
            },
            {
                "title": "MoU signing ceremony",
                "kind": "mou_ceremony",
                "starts_at": "2027-05-12 16:00",
                "ends_at": "2027-05-12 16:45",
                "description": "Signing of the agreements prepared during the workshop (fictional).",
            },
            {
                "title": "Closing ceremony",
                "kind": "ceremony",
                "starts_at": "2027-05-12 16:45",
                "ends_at": "2027-05-12 17:15",
                "description": "Closing remarks (fictional).",
            },
        ],
    },
]

# --- Registrations ----------------------------------------------------------------------------
# Of the past events only the 2nd workshop is registered in full (see WORKSHOP_2_FIGURES); the
# others hold a few illustrative registrations. Their descriptions say so, so that the figures
# of their reports, counted from the registrations, do not contradict the real event's.
# The events' titles and themes in other languages (keyed by event slug), and the translations
# of the session titles several events share. Chinese everywhere; the Phnom Penh workshop also
# in Khmer, the language of its host country.
EVENT_TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    ALLIANCE: {
        "title": {"zh-hans": "中国—东盟“一带一路”机电产教联盟成立大会"},
        "theme": {"zh-hans": "推进政府、院校与行业企业高质量协同合作"},
    },
    WORKSHOP_2: {
        "title": {"zh-hans": "第二届中国—东南亚伙伴关系研讨会", "km": "សិក្ខាសាលាភាពជាដៃគូចិន-អាស៊ីអាគ្នេយ៍ លើកទី២"},
        "theme": {
            "zh-hans": "职业技术教育与培训中数字技术的国际化",
            "km": "អន្តរជាតូបនីយកម្មបច្ចេកវិទ្យាឌីជីថលក្នុងការអប់រំ និងបណ្តុះបណ្តាលបច្ចេកទេស និងវិជ្ជាជីវៈ",
        },
    },
    EXCHANGE_WEEK: {
        "title": {"zh-hans": "2024中国—东盟教育交流周"},
        "theme": {"zh-hans": "深化教育合作，促进民心相通，携手共创未来"},
    },
    GUANGXI: {
        "title": {"zh-hans": "2025中国（广西）—东盟职业教育发展与合作大会"},
        "theme": {"zh-hans": "推进人工智能赋能，共筑职业教育数字基座"},
    },
    STUDY_TRIP: {
        "title": {"zh-hans": "东盟成员国外交官广东职业教育交流考察"},
        "theme": {"zh-hans": "广东职业教育的产教融合"},
    },
    UPCOMING: {
        "title": {"zh-hans": "第三届中国—东南亚伙伴关系研讨会（演示活动）"},
        "theme": {"zh-hans": "从试点实验室到伙伴关系：职业技术教育与培训中的人工智能与数字技能"},
    },
}
SESSION_TITLE_TRANSLATIONS: dict[str, dict[str, str]] = {
    "Opening ceremony": {"zh-hans": "开幕式", "km": "ពិធីបើក"},
    "Closing ceremony": {"zh-hans": "闭幕式", "km": "ពិធីបិទ"},
    "MoU signing ceremony": {"zh-hans": "合作备忘录签署仪式"},
    "Networking session": {"zh-hans": "交流对接会"},
    "Inaugural conference of the Alliance": {"zh-hans": "联盟成立大会"},
}

FEW_REGISTERED = "Only some of its participants are registered in this demo; the event's report counts those."
for _event in EVENTS:
    if _event["status"] == "closed" and _event["slug"] != WORKSHOP_2:
        _event["description"] = f"{_event['description']} {FEW_REGISTERED}"

# event slug -> (person key, role, checked in at (local time) or None). Everyone is approved
# unless listed in PENDING_REGISTRATIONS.

REGISTRATIONS = {
    ALLIANCE: [
        ("chea.rithy", "delegate", "2025-12-15 08:30"),
        ("mao.vuthy", "delegate", "2025-12-15 08:32"),
        ("sok.pisey", "delegate", "2025-12-15 08:33"),
        ("feng.xue", "organiser", "2025-12-15 08:00"),
        ("lin.tao", "delegate", "2025-12-15 08:41"),
        ("huang.wei", "delegate", "2025-12-15 08:47"),
        ("wang.lei", "delegate", "2025-12-15 08:50"),
        ("admin", "delegate", None),
    ],
    WORKSHOP_2: [
        ("secretariat", "organiser", "2025-05-12 07:15"),
        ("chea.rithy", "organiser", "2025-05-12 07:20"),
        ("xu.yan", "organiser", "2025-05-12 07:25"),
        ("tang.hao", "organiser", "2025-05-12 07:26"),
        ("participant", "delegate", "2025-05-12 07:42"),
        ("sok.pisey", "delegate", "2025-05-12 07:44"),
        ("lim.bopha", "observer", "2025-05-13 07:50"),
        ("mao.vuthy", "delegate", "2025-05-12 07:51"),
        ("ouk.chanthy", "delegate", None),
        ("admin", "delegate", "2025-05-12 07:35"),
        ("wang.lei", "delegate", "2025-05-12 07:36"),
        ("chen.jing", "delegate", "2025-05-12 07:37"),
        ("liu.yang", "delegate", "2025-05-12 07:38"),
        ("huang.wei", "delegate", "2025-05-12 07:39"),
        ("zhou.lin", "delegate", "2025-05-12 07:40"),
        ("lin.tao", "delegate", "2025-05-12 07:40"),
        ("he.fang", "delegate", "2025-05-12 07:41"),
        ("deng.hui", "delegate", "2025-05-13 07:45"),
        ("hafiz.razak", "delegate", "2025-05-13 07:46"),
        ("ananya.srisuk", "delegate", "2025-05-13 07:47"),
        ("somchai.wongsakul", "delegate", "2025-05-12 07:55"),
        ("nguyen.van.an", "delegate", "2025-05-12 07:56"),
        ("tran.thi.lan", "delegate", "2025-05-12 07:57"),
        ("nurul.aisyah", "delegate", "2025-05-12 07:58"),
        ("rina.kusuma", "delegate", "2025-05-12 07:59"),
        ("budi.santoso", "delegate", "2025-05-12 08:00"),
        ("maria.delacruz", "delegate", "2025-05-12 08:01"),
        ("tan.weiming", "delegate", "2025-05-12 08:02"),
        ("nur.hazirah", "delegate", "2025-05-12 08:03"),
        ("joaquim.dacosta", "delegate", "2025-05-12 08:04"),
        ("anna.sokolova", "delegate", "2025-05-12 08:05"),
        ("dmitry.volkov", "delegate", None),
    ],
    EXCHANGE_WEEK: [
        ("peng.yu", "delegate", "2024-08-21 08:10"),
        ("song.jia", "delegate", "2024-08-21 08:12"),
        ("ma.li", "delegate", "2024-08-21 08:20"),
        ("sun.qiang", "delegate", "2024-08-21 08:22"),
        ("he.fang", "delegate", "2024-08-21 08:25"),
        ("guo.peng", "delegate", "2024-08-21 08:27"),
        ("khamla.phommavong", "delegate", "2024-08-21 08:30"),
        ("bounmy.sisavath", "delegate", "2024-08-21 08:31"),
    ],
    GUANGXI: [
        ("deng.hui", "organiser", "2025-09-15 07:45"),
        ("yang.fan", "delegate", "2025-09-15 08:10"),
        ("keo.ratanak", "delegate", "2025-09-15 08:15"),
        ("lin.tao", "delegate", "2025-09-15 08:20"),
        ("he.fang", "delegate", "2025-09-15 08:21"),
        ("tan.weiming", "delegate", None),
    ],
    STUDY_TRIP: [
        ("yang.fan", "organiser", "2024-10-22 15:00"),
        ("qian.rui", "organiser", "2024-10-22 15:05"),
        ("zhou.lin", "speaker", None),
        ("chen.jing", "speaker", None),
    ],
    UPCOMING: [
        ("secretariat", "organiser", None),
        ("chea.rithy", "organiser", None),
        ("xu.yan", "organiser", None),
        ("participant", "delegate", None),
        ("admin", "delegate", None),
        ("wang.lei", "delegate", None),
        ("chen.jing", "delegate", None),
        ("rina.kusuma", "delegate", None),
        ("somchai.wongsakul", "delegate", None),
        ("nguyen.van.an", "delegate", None),
        ("anna.sokolova", "delegate", None),
        ("tan.weiming", "delegate", None),
        ("budi.santoso", "delegate", None),
    ],
}

PENDING_REGISTRATIONS = {(UPCOMING, "budi.santoso")}

# event slug -> delegations. The report names the real members of the Cambodian delegation to
# the Alliance conference; here its members are fictional colleagues from the same institutions.
DELEGATIONS = {
    ALLIANCE: [
        {
            "name": "Cambodian delegation",
            "country": "KH",
            "lead": "seameo-ted",
            "head": "chea.rithy",
            "members": ["chea.rithy", "mao.vuthy", "sok.pisey"],
        },
    ],
    WORKSHOP_2: [
        {
            "name": "Chinese delegation",
            "country": "CN",
            "lead": "go-study-global-education",
            "head": "xu.yan",
            "members": [
                "xu.yan",
                "tang.hao",
                "admin",
                "wang.lei",
                "chen.jing",
                "liu.yang",
                "huang.wei",
                "zhou.lin",
                "lin.tao",
                "he.fang",
            ],
        },
    ],
    EXCHANGE_WEEK: [
        {
            "name": "Lao delegation",
            "country": "LA",
            "lead": "lao-national-chamber-of-commerce-and-industry",
            "head": "khamla.phommavong",
            "members": ["khamla.phommavong", "bounmy.sisavath"],
        },
    ],
}

# Unavailable slots (1-based slot numbers) of a matchmaking session.
UNAVAILABILITY = {
    (UPCOMING, "Partner matchmaking"): [("participant", 1), ("participant", 2)],
}

# --- Matchmaking (illustrative) ---------------------------------------------------------------
# Each request: requester, recipient (person key, or "@<institution slug>" for a request to an
# institution), status, message, and for accepted ones the meeting: slot number (1-based) and
# table, or None while the scheduler has not placed it. Follow-ups: (recipient, step, outcome
# or "" / "opted_out"). Times of requests and answers are local to the event.
#
# The follow-ups keep the portal's rules, so that the report's step table and funnel agree:
# meetings whose MoU was logged straight after the signing ceremony are not asked; both sides
# of the others are asked at each step until one answers "MoU signed" (their MoUs were logged
# from those answers) or they opt out.

MATCHMAKING = {
    (WORKSHOP_2, "Networking session"): {
        "sent_at": "2025-05-06 10:00",
        "answered_at": "2025-05-08 16:00",
        "meeting_status": "published",
        "requests": [
            {
                "from": "participant",
                "to": "admin",
                "status": "accepted",
                "slot": 1,
                "table": 1,
                "message": "We would like to discuss teacher training in intelligent manufacturing for our staff.",
                "follow_ups": [("participant", 1, "mou_signed"), ("admin", 1, "mou_signed")],
            },
            {
                "from": "anna.sokolova",
                "to": "wang.lei",
                "status": "accepted",
                "slot": 1,
                "table": 2,
                "message": "Joint research on AI for industrial robotics?",
            },
            {
                "from": "rina.kusuma",
                "to": "sok.pisey",
                "status": "accepted",
                "slot": 1,
                "table": 3,
                "message": "Our scholarships are open to Cambodian students in agricultural technology.",
            },
            {
                "from": "chen.jing",
                "to": "participant",
                "status": "accepted",
                "slot": 2,
                "table": 2,
                "message": "SZIIT can offer lab equipment and shared ICT courses.",
                # The ICT laboratory MoU came of this meeting: "MoU signed" ends the questions.
                "follow_ups": [("participant", 1, "mou_signed"), ("chen.jing", 1, "")],
            },
            {
                "from": "nguyen.van.an",
                "to": "admin",
                "status": "accepted",
                "slot": 2,
                "table": 1,
                "message": "Interested in a Mandarin + skills programme for our e-commerce students.",
            },
            {
                "from": "he.fang",
                "to": "nurul.aisyah",
                "status": "accepted",
                "slot": 2,
                "table": 3,
                "message": "A craftsmanship workshop in mechatronics with your college?",
            },
            {
                "from": "participant",
                "to": "somchai.wongsakul",
                "status": "accepted",
                "slot": 3,
                "table": 1,
                "message": "Could our students join your internship programme?",
                "follow_ups": [
                    ("participant", 1, "opted_out"),
                    ("somchai.wongsakul", 1, "no_fit"),
                    ("somchai.wongsakul", 2, ""),
                ],
            },
            {
                "from": "huang.wei",
                "to": "joaquim.dacosta",
                "status": "accepted",
                "slot": 3,
                "table": 2,
                "message": "Teacher training in solar and power engineering.",
            },
            {
                "from": "lin.tao",
                "to": "maria.delacruz",
                "status": "accepted",
                "slot": 3,
                "table": 3,
                "message": "Would your students take part in our skills competition?",
            },
            {
                "from": "tan.weiming",
                "to": "anna.sokolova",
                "status": "accepted",
                "slot": 4,
                "table": 1,
                "message": "A joint programme in AI for logistics.",
            },
            {
                "from": "budi.santoso",
                "to": "liu.yang",
                "status": "declined",
                "message": "Sensors for aquaculture monitoring?",
            },
            {
                "from": "joaquim.dacosta",
                "to": "@shenzhen-institute-of-information-technology",
                "status": "expired",
                "message": "Looking for a partner for ICT teacher training.",
            },
        ],
    },
    (UPCOMING, "Partner matchmaking"): {
        "sent_at": "2026-11-10 10:00",
        "answered_at": "2026-11-12 15:00",
        "meeting_status": "provisional",
        "requests": [
            {
                "from": "wang.lei",
                "to": "participant",
                "status": "accepted",
                "slot": None,
                "table": None,
                "message": "Follow-up on the robotics module we started after the last workshop.",
            },
            {
                "from": "nguyen.van.an",
                "to": "admin",
                "status": "accepted",
                "slot": None,
                "table": None,
                "message": "Next steps for the Mandarin + e-commerce programme.",
            },
            {
                "from": "participant",
                "to": "rina.kusuma",
                "status": "pending",
                "message": "We would like to hear about scholarships for our electrical engineering students.",
            },
            {
                "from": "anna.sokolova",
                "to": "@kampong-speu-institute-of-technology",
                "status": "pending",
                "message": "Student exchange in applied mathematics and AI.",
            },
        ],
    },
}

# --- MoUs -------------------------------------------------------------------------------------
# Parties are institution slugs. "origin" names accepted requests of MATCHMAKING by
# (requester, recipient). Validity periods are illustrative: the reports do not give them.

WORKSHOP_2_SUMMARY = (
    "The report records 13 MoUs among 14 schools without naming them; the parties here are illustrative."
)

EXCHANGE_WEEK_SUMMARY = (
    "Signed at the 2024 China-ASEAN Education Exchange Week and approved as a model for cooperation. The "
    "report gives the project areas (e-commerce, aviation, railways, electronic information, new-energy "
    "vehicles) and methods (industrial colleges, craftsmanship workshops, training bases, advanced "
    "workshops, teacher and student training) for the signed projects as a whole; their assignment to "
    "this agreement is illustrative."
)
EXCHANGE_WEEK_WITNESSES = (
    "Under the auspices of the Lao National Chamber of Commerce and Industry; supported by the Mekong Lancang "
    "Council of Industry and Education."
)


def _workshop_mou(
    title, parties, types, sectors, *, public=False, origin=None, languages=("en", "zh"), translations=None
):
    return {
        "event": WORKSHOP_2,
        "ceremony": "MoU signing ceremony",
        "title": title,
        "parties": parties,
        "cooperation_types": types,
        "sectors": sectors,
        "summary": WORKSHOP_2_SUMMARY,
        "witnesses": "",
        "signed_on": "2025-05-13",
        "signed_place": "Phnom Penh",
        "valid_until": "2028-05-12",
        "status": "active",
        "public": public,
        "origin": origin,
        "languages": list(languages),
        # The title in other portal languages: {"title": {language: text}} (see core.multilingual).
        "translations": translations or {},
    }


def _exchange_week_mou(partner, partner_name, types, sectors, valid_until):
    return {
        "event": EXCHANGE_WEEK,
        "ceremony": "Signing ceremony for university–enterprise collaborative projects",
        "title": f"Cooperation agreement between LCETPA, Asin ASEAN (Chongqing) and {partner_name}",
        "parties": ["lcetpa", "asin-asean-chongqing", partner],
        "cooperation_types": types,
        "sectors": sectors,
        "summary": EXCHANGE_WEEK_SUMMARY,
        "witnesses": EXCHANGE_WEEK_WITNESSES,
        "signed_on": "2024-08-21",
        "signed_place": "Guiyang",
        "valid_until": valid_until,
        "status": "active",
        "public": True,
        "origin": None,
        "languages": ["zh"],
    }


MOUS = [
    _workshop_mou(
        "MoU on teacher training in intelligent manufacturing",
        ["shenzhen-polytechnic-university", "kampong-speu-institute-of-technology"],
        ["teacher-training", "curriculum-standards"],
        ["intelligent-manufacturing"],
        public=True,
        origin=("participant", "admin"),
        translations={
            "title": {
                "zh-hans": "智能制造领域师资培训谅解备忘录",
                "km": "អនុស្សរណៈនៃការយោគយល់គ្នាស្តីពីការបណ្តុះបណ្តាលគ្រូក្នុងវិស័យផលិតកម្មឆ្លាតវៃ",
            }
        },
    ),
    _workshop_mou(
        "MoU on a Mandarin and cross-border e-commerce skills programme",
        ["shenzhen-polytechnic-university", "hai-van-college-of-engineering"],
        ["language-skills"],
        ["e-commerce"],
        public=True,
        origin=("nguyen.van.an", "admin"),
        languages=("en", "zh", "vi"),
        translations={
            "title": {
                "zh-hans": "汉语与跨境电子商务技能项目谅解备忘录",
                "km": "អនុស្សរណៈនៃការយោគយល់គ្នាស្តីពីកម្មវិធីជំនាញភាសាចិនកុកងឺ និងពាណិជ្ជកម្មអេឡិចត្រូនិកឆ្លងដែន",
            }
        },
    ),
    _workshop_mou(
        "MoU on internships in electronic information",
        ["shenzhen-institute-of-information-technology", "andaman-college-tourism-technology"],
        ["internship-placement", "student-exchange"],
        ["electronic-information-ict"],
    ),
    _workshop_mou(
        "MoU on sharing online courses in artificial intelligence",
        ["shenzhen-institute-of-information-technology", "cendana-polytechnic"],
        ["online-course-sharing"],
        ["artificial-intelligence"],
    ),
    _workshop_mou(
        "MoU on a craftsmanship workshop in mechatronics",
        ["guangxi-technological-college-machinery-electricity", "tanjung-puteri-technical-college"],
        ["industrial-college"],
        ["mechanical-electrical"],
        public=True,
        origin=("he.fang", "nurul.aisyah"),
        translations={"title": {"zh-hans": "机电一体化工匠工坊谅解备忘录"}},
    ),
    _workshop_mou(
        "MoU on skills competitions in mechanical and electrical engineering",
        ["guangxi-technological-college-machinery-electricity", "bohol-coastal-polytechnic-college"],
        ["skills-competition"],
        ["mechanical-electrical"],
        origin=("lin.tao", "maria.delacruz"),
    ),
    _workshop_mou(
        "MoU on teacher training in new energy",
        ["guangdong-polytechnic-water-resources-electric-engineering", "lorosae-technical-institute"],
        ["teacher-training", "equipment-donation"],
        ["new-energy"],
        origin=("huang.wei", "joaquim.dacosta"),
    ),
    _workshop_mou(
        "MoU on green skills curricula",
        ["guangdong-polytechnic-water-resources-electric-engineering", "seria-institute-energy-digital-skills"],
        ["curriculum-standards"],
        ["green-skills", "new-energy"],
    ),
    _workshop_mou(
        "MoU on joint research in artificial intelligence for industrial robotics",
        ["mipt", "shenzhen-polytechnic-university"],
        ["joint-research", "staff-exchange"],
        ["artificial-intelligence", "intelligent-manufacturing"],
        public=True,
        origin=("anna.sokolova", "wang.lei"),
        languages=("en", "ru", "zh"),
        translations={"title": {"zh-hans": "面向工业机器人的人工智能联合研究谅解备忘录"}},
    ),
    _workshop_mou(
        "MoU on a joint programme in AI for logistics",
        ["marina-institute-applied-technology", "mipt"],
        ["joint-programme"],
        ["artificial-intelligence", "logistics-supply-chain"],
        origin=("tan.weiming", "anna.sokolova"),
        languages=("en", "ru"),
    ),
    _workshop_mou(
        "MoU on student exchange in tourism and hospitality",
        ["marina-institute-applied-technology", "andaman-college-tourism-technology"],
        ["student-exchange"],
        ["tourism-hospitality"],
        languages=("en",),
    ),
    _workshop_mou(
        "MoU on an ICT laboratory donation",
        ["shenzhen-institute-of-information-technology", "kampong-speu-institute-of-technology"],
        ["equipment-donation"],
        ["electronic-information-ict"],
        origin=("chen.jing", "participant"),
        translations={
            "title": {
                "zh-hans": "信息通信技术实验室捐赠谅解备忘录",
                "km": "អនុស្សរណៈនៃការយោគយល់គ្នាស្តីពីការបរិច្ចាគមន្ទីរពិសោធន៍បច្ចេកវិទ្យាព័ត៌មាន និងគមនាគមន៍",
            }
        },
    ),
    _workshop_mou(
        "MoU on scholarships in digital agriculture",
        ["cendana-polytechnic", "kampong-speu-institute-of-technology"],
        ["scholarship"],
        ["digital-agriculture"],
        public=True,
        origin=("rina.kusuma", "sok.pisey"),
        languages=("en",),
        translations={
            "title": {
                "zh-hans": "数字农业奖学金谅解备忘录",
                "km": "អនុស្សរណៈនៃការយោគយល់គ្នាស្តីពីអាហារូបករណ៍ក្នុងវិស័យកសិកម្មឌីជីថល",
            }
        },
    ),
    _exchange_week_mou(
        "guizhou-open-university",
        "Guizhou Open University",
        ["industrial-college", "teacher-training"],
        ["e-commerce"],
        "2029-08-20",
    ),
    _exchange_week_mou(
        "guizhou-vocational-technology-college-electronics-information",
        "Guizhou Vocational Technology College of Electronics & Information",
        ["industrial-college", "teacher-training"],
        ["electronic-information-ict"],
        "2027-08-20",
    ),
    _exchange_week_mou(
        "guangxi-technological-college-machinery-electricity",
        "Guangxi Technological College of Machinery and Electricity",
        ["industrial-college", "teacher-training"],
        ["automotive-nev"],
        "2029-08-20",
    ),
    _exchange_week_mou(
        "wuhan-city-polytechnic",
        "Wuhan City Polytechnic",
        ["industrial-college", "teacher-training"],
        ["aviation", "railway"],
        "2027-08-20",
    ),
]

ILLUSTRATIVE_MILESTONE = "Illustrative milestone (demonstration data)."

# MoU title -> milestones: (title, due on, status, completed on, owner institution slug), one
# per line as in PEOPLE.
# fmt: off
MILESTONES = {
    "MoU on teacher training in intelligent manufacturing": [
        ("First cohort of teachers trained in Shenzhen", "2025-10-31", "done", "2025-10-24", "shenzhen-polytechnic-university"),
        ("Industrial robotics module in the partner's curriculum", "2026-06-30", "in_progress", None, "kampong-speu-institute-of-technology"),
        ("Second teacher-training cohort", "2027-03-31", "planned", None, "shenzhen-polytechnic-university"),
    ],
    "MoU on internships in electronic information": [
        ("First interns placed", "2026-03-31", "done", "2026-03-16", "andaman-college-tourism-technology"),
    ],
    "Cooperation agreement between LCETPA, Asin ASEAN (Chongqing) and Guizhou Open University": [
        ("Cross-border e-commerce training base opened", "2025-06-30", "done", "2025-06-18", "guizhou-open-university"),
        ("First teacher-training course for Lao partners", "2026-12-15", "in_progress", None, "lcetpa"),
    ],
}
# fmt: on

ILLUSTRATIVE_EXCHANGE = "Illustrative figures (demonstration data)."

# MoU title -> exchanges: (year, category, from slug, to slug, sector slug or None, duration,
# unit, planned, actual). The reports name the kinds of exchange the MoUs lead to (teacher
# training, student exchanges, internships) but give no figures per agreement: these are made up.
# fmt: off
EXCHANGES = {
    "MoU on teacher training in intelligent manufacturing": [
        (2025, "teachers", "kampong-speu-institute-of-technology", "shenzhen-polytechnic-university", "intelligent-manufacturing", 2, "weeks", 10, 8),
        (2026, "teachers", "kampong-speu-institute-of-technology", "shenzhen-polytechnic-university", "intelligent-manufacturing", 2, "weeks", 12, None),
        (2026, "trainers", "shenzhen-polytechnic-university", "kampong-speu-institute-of-technology", "intelligent-manufacturing", 1, "months", 3, 2),
    ],
    "MoU on internships in electronic information": [
        (2026, "interns", "andaman-college-tourism-technology", "shenzhen-institute-of-information-technology", "electronic-information-ict", 3, "months", 8, 6),
    ],
    "MoU on student exchange in tourism and hospitality": [
        (2025, "students", "andaman-college-tourism-technology", "marina-institute-applied-technology", "tourism-hospitality", 5, "months", 6, 4),
        (2026, "students", "marina-institute-applied-technology", "andaman-college-tourism-technology", "tourism-hospitality", 5, "months", 6, None),
    ],
}

# Projects: (MoU title or None, alliance slug or None, name, Chinese name, kind, status, start,
# end, recognition note). Their kinds are the cooperation methods the reports list (industrial
# colleges, craftsmanship workshops, training bases, skills competitions); the projects of the
# 2024 Exchange Week agreements were approved as models for cooperation there.
PROJECTS = [
    ("MoU on a craftsmanship workshop in mechatronics", None, "Mechatronics craftsmanship workshop", "机电一体化工匠工坊", "workshop", "in_progress", "2025-09-01", None, ""),
    ("MoU on teacher training in intelligent manufacturing", None, "Industrial robotics training base", "工业机器人实训基地", "training_base", "planned", "2026-09-01", None, ""),
    ("MoU on skills competitions in mechanical and electrical engineering", None, "Mechanical and electrical skills competition for ASEAN students", "面向东盟学生的机电技能竞赛", "competition", "planned", "2026-11-01", "2026-11-30", ""),
    ("Cooperation agreement between LCETPA, Asin ASEAN (Chongqing) and Guangxi Technological College of Machinery and Electricity", None, "New-energy vehicle industrial college", "新能源汽车产业学院", "industrial_college", "model", "2024-09-01", None, "Approved as a model for cooperation at the 2024 China-ASEAN Education Exchange Week in Guiyang."),
    ("Cooperation agreement between LCETPA, Asin ASEAN (Chongqing) and Guizhou Open University", None, "Cross-border e-commerce training base", "跨境电商实训基地", "training_base", "in_progress", "2025-06-18", None, ""),
    (None, "china-asean-mechanical-electrical-alliance", "China-ASEAN mechanical and electrical skills competition", "中国—东盟机电技能竞赛", "competition", "in_progress", "2025-03-01", None, ""),
]
# fmt: on


# --- The 2nd China-SEA Partnership Workshop in full ---------------------------------------------
#
# SEAMEO TED's report gives the headline "134 people from 48 schools/institutes" in China, nine
# Southeast Asian countries and Russia, but its breakdown does not add up: 56 Chinese from 24,
# 31 Cambodians from 31, 25 other Southeast Asians from 15 and 2 Russians from 1 make 114 people
# from 71 institutions. The demo keeps the headline and three of the four lines, and lets the
# Cambodian line take the remainder (the host country's many staff and guests):
#
#   China 56 participants from 24 institutions, Cambodia 51 from 8, the other eight Southeast
#   Asian countries 25 from 15, Russia 2 from 1: 134 participants from 48 institutions.
#
# The people named above stay; fictional participants (example.org addresses, unusable
# passwords) and fictional institutions fill each line up to its figure.
WORKSHOP_2_FIGURES = {"CN": (56, 24), "KH": (51, 8), "SEA": (25, 15), "RU": (2, 1)}

_W2_NEW_INSTITUTIONS = [
    # (slug, name, local name, kind, country, province, city, languages)
    *(
        (
            f"w2-{slug}-college",
            f"{place} College of Applied Technology",
            f"{local}应用技术学院",
            "vocational_college",
            "CN",
            province,
            city,
            ["zh", "en"],
        )
        for slug, place, local, province, city in [
            ("qingshan", "Qingshan", "青山", "Guangxi", "Nanning"),
            ("bihai", "Bihai", "碧海", "Guangdong", "Zhuhai"),
            ("yunfeng", "Yunfeng", "云峰", "Yunnan", "Kunming"),
            ("jinhe", "Jinhe", "金河", "Sichuan", "Chengdu"),
            ("songlin", "Songlin", "松林", "Hunan", "Changsha"),
            ("xinghai", "Xinghai", "星海", "Hubei", "Wuhan"),
            ("lanting", "Lanting", "兰亭", "Zhejiang", "Shaoxing"),
            ("baiyun", "Baiyun", "白云", "Guizhou", "Guiyang"),
            ("chunjiang", "Chunjiang", "春江", "Jiangsu", "Suzhou"),
            ("donghu", "Donghu", "东湖", "Shandong", "Qingdao"),
            ("mingyue", "Mingyue", "明月", "Fujian", "Xiamen"),
            ("ziyang", "Ziyang", "紫阳", "Anhui", "Hefei"),
            ("qinghe", "Qinghe", "清河", "Hebei", "Shijiazhuang"),
            ("tianshan", "Tianshan", "天山", "Chongqing", "Chongqing"),
            ("hongfeng", "Hongfeng", "红枫", "Jiangxi", "Nanchang"),
            ("lijiang-bay", "Lijiang Bay", "漓江湾", "Guangxi", "Guilin"),
            ("cuiping", "Cuiping", "翠屏", "Henan", "Zhengzhou"),
        ]
    ),
    (
        "w2-mekong-riverside-technical-institute",
        "Mekong Riverside Technical Institute",
        "វិទ្យាស្ថានបច្ចេកទេសមាត់ទន្លេមេគង្គ",
        "technical_institute",
        "KH",
        "Kandal",
        "Ta Khmau",
        ["km", "en"],
    ),
    (
        "w2-angkor-digital-skills-centre",
        "Angkor Digital Skills Centre",
        "មជ្ឈមណ្ឌលជំនាញឌីជីថលអង្គរ",
        "vocational_college",
        "KH",
        "Siem Reap",
        "Siem Reap",
        ["km", "en"],
    ),
    (
        "w2-tonle-sap-polytechnic",
        "Tonle Sap Polytechnic",
        "វិទ្យាស្ថានពហុបច្ចេកទេសទន្លេសាប",
        "polytechnic",
        "KH",
        "Kampong Chhnang",
        "Kampong Chhnang",
        ["km", "en"],
    ),
    (
        "w2-chao-phraya-technical-college",
        "Chao Phraya Technical College",
        "วิทยาลัยเทคนิคเจ้าพระยา",
        "vocational_college",
        "TH",
        "Nonthaburi",
        "Nonthaburi",
        ["th", "en"],
    ),
    (
        "w2-lanna-polytechnic",
        "Lanna Polytechnic College",
        "วิทยาลัยสารพัดช่างล้านนา",
        "polytechnic",
        "TH",
        "Chiang Mai",
        "Chiang Mai",
        ["th", "en"],
    ),
    (
        "w2-song-hong-vocational-college",
        "Song Hong Vocational College",
        "Trường Cao đẳng Nghề Sông Hồng",
        "vocational_college",
        "VN",
        "Hà Nội",
        "Hà Nội",
        ["vi", "en"],
    ),
    (
        "w2-kinabalu-skills-institute",
        "Kinabalu Skills Institute",
        "Institut Kemahiran Kinabalu",
        "technical_institute",
        "MY",
        "Sabah",
        "Kota Kinabalu",
        ["ms", "en"],
    ),
    (
        "w2-visayas-polytechnic",
        "Visayas Polytechnic College",
        "Kolehiyong Politekniko ng Visayas",
        "polytechnic",
        "PH",
        "Cebu",
        "Cebu City",
        ["en", "fil"],
    ),
]

for _slug, _name, _local, _kind, _country, _province, _city, _languages in _W2_NEW_INSTITUTIONS:
    INSTITUTIONS.append(
        {
            "slug": _slug,
            "name": _name,
            "name_local": _local,
            "acronym": "",
            "kind": _kind,
            "country": _country,
            "province": _province,
            "city": _city,
            "website": "",
            # Not FICTIONAL's wording: that marks the one stand-in institution per country above.
            "description": "Fictional school for demonstration, one of the 48 at the 2nd China-SEA Partnership Workshop.",
            "languages": _languages,
            "sectors": ["electronic-information-ict"],
            "offers": [],
            "needs": [],
            "verified": True,
        }
    )

# Fictional names, in the script people write them in, with the Latin transcription: family
# names crossed with given names, so that no two generated people share a name.
_W2_FAMILY = {
    "CN": [
        ("王", "Wang"),
        ("李", "Li"),
        ("张", "Zhang"),
        ("刘", "Liu"),
        ("陈", "Chen"),
        ("杨", "Yang"),
        ("赵", "Zhao"),
        ("黄", "Huang"),
        ("周", "Zhou"),
        ("吴", "Wu"),
        ("徐", "Xu"),
        ("孙", "Sun"),
        ("马", "Ma"),
    ],
    "KH": [
        ("សុខ", "Sok"),
        ("ចាន់", "Chan"),
        ("ហេង", "Heng"),
        ("គឹម", "Kim"),
        ("លី", "Ly"),
        ("ម៉ៅ", "Mao"),
        ("ឈឹម", "Chhim"),
        ("ណុប", "Nop"),
        ("ពៅ", "Pov"),
        ("ស៊ុន", "Sun"),
        ("កែវ", "Keo"),
    ],
    "TH": [("ใจดี", "Jaidee"), ("ศรีสุข", "Srisuk"), ("มั่นคง", "Mankong")],
    "VN": [("Nguyễn", "Nguyễn"), ("Trần", "Trần"), ("Lê", "Lê")],
}
_W2_GIVEN = {
    "CN": [
        ("芳", "Fang"),
        ("伟", "Wei"),
        ("娜", "Na"),
        ("洋", "Yang"),
        ("静", "Jing"),
        ("帆", "Fan"),
        ("磊", "Lei"),
        ("丽", "Li"),
        ("杰", "Jie"),
        ("敏", "Min"),
        ("强", "Qiang"),
        ("悦", "Yue"),
        ("超", "Chao"),
        ("琳", "Lin"),
        ("斌", "Bin"),
        ("慧", "Hui"),
        ("鹏", "Peng"),
    ],
    "KH": [
        ("ដារ៉ា", "Dara"),
        ("សុភា", "Sophea"),
        ("វិចិត្រ", "Vichet"),
        ("សុវណ្ណ", "Sovann"),
        ("ស្រីនាង", "Sreyneang"),
        ("រតនា", "Ratana"),
        ("បូរ៉ា", "Bora"),
        ("សុខា", "Sokha"),
        ("ចាន់ថា", "Chantha"),
        ("វណ្ណា", "Vanna"),
        ("ពិសី", "Pisey"),
        ("សំណាង", "Samnang"),
        ("រដ្ឋា", "Rotha"),
    ],
    "TH": [("สมชาย", "Somchai"), ("วรรณา", "Wanna"), ("ประเสริฐ", "Prasert"), ("สุดา", "Suda")],
    "VN": [
        ("Thị Hương", "Thị Hương"),
        ("Văn Minh", "Văn Minh"),
        ("Hoàng Nam", "Hoàng Nam"),
        ("Thu Trang", "Thu Trang"),
    ],
}
_W2_LATIN = {
    "MY": ["Aisyah binti Rahman", "Lim Wei Jie", "Muthu Krishnan", "Farah binti Ismail"],
    "PH": ["Maria Santos", "Jose Reyes", "Andrea Villanueva"],
    "SG": ["Tan Mei Ling", "Goh Jun Wei", "Priya Nair"],
    "ID": ["Siti Rahayu", "Agus Pratama", "Dewi Lestari"],
    "BN": ["Nur Aqilah binti Hassan", "Hj Amirul Hakim"],
    "TL": ["Ana Soares", "Jacinto Belo"],
}


def _w2_name(country: str, index: int) -> str:
    """The ``index``-th fictional name of ``country``: family name first, as written there."""
    if country in _W2_FAMILY:
        family, given = _W2_FAMILY[country], _W2_GIVEN[country]
        (family_script, family_latin) = family[index % len(family)]
        (given_script, given_latin) = given[(index + 3) % len(given)]
        if country == "CN":
            return f"{family_script}{given_script} {family_latin} {given_latin}"
        if country == "KH":
            return f"{family_script} {given_script} {family_latin} {given_latin}"
        if country == "TH":
            return f"{given_script} {family_script} {given_latin} {family_latin}"
        return f"{family_latin} {given_latin}"
    names = _W2_LATIN.get(country, _W2_LATIN["MY"])
    return names[index % len(names)]


_W2_ZONES = {
    "CN": ("zh-hans", "Asia/Shanghai"),
    "KH": ("en", "Asia/Phnom_Penh"),
    "TH": ("en", "Asia/Bangkok"),
    "VN": ("en", "Asia/Ho_Chi_Minh"),
    "MY": ("en", "Asia/Kuala_Lumpur"),
    "PH": ("en", "Asia/Manila"),
    "SG": ("en", "Asia/Singapore"),
    "ID": ("en", "Asia/Jakarta"),
    "BN": ("en", "Asia/Brunei"),
    "TL": ("en", "Asia/Dili"),
}
_W2_TITLES = ["Lecturer", "Head of department", "International relations officer", "Vice president", "Trainer"]


def _workshop_2_participants() -> list[tuple[str, str, str]]:
    """(key, country, institution slug) of the fictional participants that complete the figures.

    New people go first to the new institutions (one each, so every institution counts), then
    round-robin over all of that line's institutions at the workshop.
    """
    country_of = {facts["slug"]: facts["country"] for facts in INSTITUTIONS}
    person_institution = {key: slug for key, _name, slug, *_rest in PEOPLE}
    present: dict[str, list[str]] = {}
    people: dict[str, int] = {}
    for key, _role, _checked_in in REGISTRATIONS[WORKSHOP_2]:
        line = country_of[person_institution[key]]
        line = line if line in ("CN", "KH", "RU") else "SEA"
        people[line] = people.get(line, 0) + 1
        slugs = present.setdefault(line, [])
        if person_institution[key] not in slugs:
            slugs.append(person_institution[key])
    new_by_line: dict[str, list[tuple[str, str]]] = {}
    for slug, *_facts in _W2_NEW_INSTITUTIONS:
        country = country_of[slug]
        new_by_line.setdefault(country if country in ("CN", "KH") else "SEA", []).append((slug, country))
    result = []
    for line, (participants, institutions) in WORKSHOP_2_FIGURES.items():
        new = new_by_line.get(line, [])
        # bandit: a check of the data tables while they are written, not of input.
        assert len(present.get(line, [])) + len(new) == institutions, line  # nosec B101
        everyone = [(slug, country_of[slug]) for slug in present.get(line, [])] + new
        order = new + everyone * participants
        for number in range(participants - people.get(line, 0)):
            slug, country = order[number]
            result.append((f"w2.{line.lower()}.{number + 1:02d}", country, slug))
    return result


WORKSHOP_2_PARTICIPANTS = _workshop_2_participants()
_w2_used: dict[str, int] = {}
for _number, (_key, _country, _slug) in enumerate(WORKSHOP_2_PARTICIPANTS):
    _index = _w2_used.get(_country, 0)
    _w2_used[_country] = _index + 1
    _name = _w2_name(_country, _index)
    _language, _zone = _W2_ZONES.get(_country, ("en", "Asia/Phnom_Penh"))
    PEOPLE.append((_key, _name, _slug, _W2_TITLES[_number % len(_W2_TITLES)], _language, _zone))
    # Nearly everyone was checked in on the first morning; every eleventh person came unannounced
    # to the second day only, and every seventeenth never checked in.
    _checked_in = None if _number % 17 == 16 else f"2025-05-1{2 + (_number % 11 == 10)} 08:{10 + _number % 50:02d}"
    REGISTRATIONS[WORKSHOP_2].append((_key, "delegate", _checked_in))
