//! The fixed facts of the fictional Riverside and Vale ICS: places, named organisations, sign-ins,
//! programme boards and name lists.

use concord_domain::Role;

/// A place: name, population, description, neighbourhoods (name, population), and its number of PCNs.
pub struct PlaceSpec {
    /// The place's name.
    pub name: &'static str,
    /// Its residents.
    pub population: i64,
    /// What it is like.
    pub description: &'static str,
    /// Its neighbourhoods and their residents.
    pub neighbourhoods: &'static [(&'static str, i64)],
    /// Its primary care networks (about 50,000 residents each).
    pub pcns: &'static [&'static str],
    /// The letter its practices' codes start with.
    pub practice_letter: char,
    /// Its council: name, code.
    pub council: (&'static str, &'static str),
}

/// The three places, about a million residents in all.
pub const PLACES: [PlaceSpec; 3] = [
    PlaceSpec {
        name: "Riverside",
        population: 421_300,
        description: "The city: a university hospital, a young and diverse population, and the highest deprivation in the system along the docks.",
        neighbourhoods: &[("Riverside Central", 118_400), ("Docklands", 96_200), ("Riverside North", 104_900), ("Eastbrook", 101_800)],
        pcns: &[
            "Riverside Central PCN", "Cathedral Quarter PCN", "Docklands PCN", "Harbourside PCN",
            "Riverside North PCN", "Northfields PCN", "Eastbrook PCN", "Eastbrook and Fenwick PCN",
        ],
        practice_letter: 'M',
        council: ("Riverside City Council", "E06000901"),
    },
    PlaceSpec {
        name: "Vale",
        population: 309_800,
        description: "Market towns and farming villages: an older population, long distances to hospital and few buses.",
        neighbourhoods: &[("Vale Market Towns", 121_500), ("Upper Vale", 94_100), ("Lower Vale", 94_200)],
        pcns: &["Vale Market Towns PCN", "Kingsbridge and Ashby PCN", "Upper Vale PCN", "Upper Vale Hills PCN", "Lower Vale PCN", "Lower Vale Villages PCN"],
        practice_letter: 'V',
        council: ("Vale County Council", "E10000901"),
    },
    PlaceSpec {
        name: "Northmoor",
        population: 268_700,
        description: "Coastal towns with seasonal work, many older people living alone, and a district general hospital.",
        neighbourhoods: &[("Northmoor Bay", 97_300), ("Saltcliffe", 88_600), ("Moorside", 82_800)],
        pcns: &["Northmoor Bay PCN", "Northmoor Town PCN", "Saltcliffe PCN", "Saltcliffe and Coast PCN", "Moorside PCN", "Moorside Rural PCN"],
        practice_letter: 'N',
        council: ("Northmoor Borough Council", "E06000902"),
    },
];

/// Every GP practice's code, with its place (index into [`PLACES`]) and its PCN (numbered from 1
/// across the system, in [`PLACES`] order): 95 practices over 20 networks, five in each of the
/// first fifteen networks and four in the rest.
pub fn practice_codes() -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut pcn_number = 0;
    for (place_index, spec) in PLACES.iter().enumerate() {
        for _ in spec.pcns {
            pcn_number += 1;
            let practices = if pcn_number <= 15 { 5 } else { 4 };
            for _ in 0..practices {
                let code = format!("{}{:05}", spec.practice_letter, 81_001 + out.len());
                out.push((place_index, pcn_number, code));
            }
        }
    }
    out
}

/// The trusts: name, code, type code, the places they serve (indexes into [`PLACES`]), description.
pub const TRUSTS: [(&str, &str, &str, &[usize], &str); 4] = [
    ("Riverside University Hospitals NHS Foundation Trust", "RRV", "acute_trust", &[0, 1], "Acute and specialist hospital care from Riverside General and the Vale Community Hospital."),
    ("Northmoor and Coast Hospitals NHS Trust", "RNM", "acute_trust", &[2], "The district general hospital for Northmoor and the coast."),
    ("Vale and Northmoor Community Health NHS Trust", "RVC", "community_trust", &[0, 1, 2], "Community nursing, therapies, virtual wards and community hospitals across the system."),
    ("Riverside and Vale Mental Health NHS Foundation Trust", "RVM", "mental_health_trust", &[0, 1, 2], "Mental health, learning disability and autism services for all ages."),
];

/// Voluntary, community and social enterprise organisations: name, place index (None = system-wide), what they do.
pub const VCSE: [(&str, Option<usize>, &str); 25] = [
    (
        "Age UK Riverside",
        Some(0),
        "Information, befriending and day services for older people in the city.",
    ),
    (
        "Age UK Vale and Northmoor",
        None,
        "Help at home, befriending and advice for older people outside the city.",
    ),
    (
        "Riverside Carers' Centre",
        Some(0),
        "Support, breaks and advice for unpaid carers.",
    ),
    (
        "Vale Carers Network",
        Some(1),
        "Carers' groups and respite in the market towns.",
    ),
    (
        "Northmoor Mind",
        Some(2),
        "Mental health support, crisis café and peer groups on the coast.",
    ),
    (
        "Riverside Mind",
        Some(0),
        "Talking therapies, peer support and a crisis café.",
    ),
    (
        "Docklands Food Bank",
        Some(0),
        "Emergency food parcels and cost-of-living advice.",
    ),
    (
        "Citizens Advice Riverside and Vale",
        None,
        "Advice on benefits, debt, housing and work.",
    ),
    (
        "Vale Men's Sheds Network",
        Some(1),
        "Workshops where men meet, make and mend together.",
    ),
    (
        "Saltcliffe Befriending Service",
        Some(2),
        "Volunteer visitors and phone friends for people who live alone.",
    ),
    (
        "Riverside Refugee Welcome",
        Some(0),
        "Help for refugees and asylum seekers to settle and register with services.",
    ),
    (
        "Vale Rural Transport Trust",
        Some(1),
        "Community buses and volunteer drivers to appointments.",
    ),
    (
        "Northmoor Bay Community Trust",
        Some(2),
        "Community centre, warm spaces and youth work.",
    ),
    (
        "Riverside Young People's Project",
        Some(0),
        "Youth work and emotional wellbeing support for 11 to 25 year olds.",
    ),
    (
        "Home-Start Vale",
        Some(1),
        "Volunteers supporting families with young children.",
    ),
    (
        "Moorside Community Pantry",
        Some(2),
        "Low-cost food club and cooking classes.",
    ),
    (
        "Eastbrook Somali Community Association",
        Some(0),
        "Advice, health champions and interpreting for the Somali community.",
    ),
    (
        "Riverside and Vale Stroke Club",
        None,
        "Peer support and exercise for stroke survivors.",
    ),
    (
        "Vale Dementia Friends",
        Some(1),
        "Memory cafés and support for people living with dementia.",
    ),
    (
        "Northmoor Veterans' Hub",
        Some(2),
        "Drop-in support for veterans and their families.",
    ),
    (
        "Riverside Recovery Community",
        Some(0),
        "Peer-led recovery from drug and alcohol harm.",
    ),
    (
        "Upper Vale Good Neighbours",
        Some(1),
        "Volunteers doing shopping, lifts and check-in calls.",
    ),
    (
        "Learning Disability Voices Riverside and Vale",
        None,
        "Self-advocacy by people with learning disabilities.",
    ),
    (
        "Northmoor Coast Credit Union",
        Some(2),
        "Affordable savings and loans.",
    ),
    (
        "Riverside and Vale Sports Partnership",
        None,
        "Physical activity programmes, including falls prevention classes.",
    ),
];

/// Hospices and Healthwatch: name, code, type code, place index (None = system-wide).
pub const OTHERS: [(&str, &str, &str, Option<usize>); 3] = [
    (
        "Healthwatch Riverside and Vale",
        "HW-RV",
        "healthwatch",
        None,
    ),
    ("St Clare's Hospice", "CH-1093871", "hospice", Some(0)),
    ("Northmoor Bay Hospice", "CH-1102264", "hospice", Some(2)),
];

/// Words that name practices.
pub const PRACTICE_NAMES: [&str; 48] = [
    "Riverside Road",
    "The Elms",
    "Castle Street",
    "Abbey",
    "Park View",
    "Market Square",
    "Station Road",
    "Church Lane",
    "Brookside",
    "The Willows",
    "Orchard",
    "Highfield",
    "Meadowbank",
    "Victoria",
    "Albion",
    "St Mark's",
    "Harbour",
    "Bridge Street",
    "Old School",
    "Kingsway",
    "Millbrook",
    "Oakwood",
    "The Green",
    "Westgate",
    "Northgate",
    "Eastgate",
    "Southview",
    "Cliff Road",
    "Priory",
    "Beacon",
    "Fairfield",
    "Hollybush",
    "Lakeside",
    "Moorland",
    "Greenbank",
    "The Limes",
    "Cedar House",
    "Ashgrove",
    "Beech Tree",
    "Riverbank",
    "Saltcliffe Road",
    "Quayside",
    "Foundry",
    "Weavers",
    "Tannery Lane",
    "Wharf",
    "Minster",
    "Valley",
];

/// How practices describe themselves.
pub const PRACTICE_SUFFIXES: [&str; 5] = [
    "Surgery",
    "Medical Centre",
    "Health Centre",
    "Medical Practice",
    "Family Practice",
];

/// Given names.
pub const GIVEN_NAMES: [&str; 60] = [
    "Amara",
    "Ben",
    "Chloe",
    "Daniel",
    "Eleanor",
    "Farhan",
    "Grace",
    "Hassan",
    "Isla",
    "James",
    "Kiran",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Priya",
    "Quentin",
    "Rachel",
    "Samuel",
    "Tariq",
    "Una",
    "Victoria",
    "William",
    "Xavier",
    "Yasmin",
    "Zoe",
    "Aisha",
    "Callum",
    "Deborah",
    "Ewan",
    "Fatima",
    "Gareth",
    "Helen",
    "Imran",
    "Joanne",
    "Kwame",
    "Lucy",
    "Marcus",
    "Nadia",
    "Owen",
    "Paul",
    "Ruth",
    "Sunita",
    "Thomas",
    "Wendy",
    "Adebayo",
    "Bethan",
    "Connor",
    "Divya",
    "Emma",
    "Francesca",
    "George",
    "Hannah",
    "Ifeoma",
    "Jack",
    "Katie",
    "Liam",
    "Megan",
    "Nkechi",
    "Rhys",
];

/// Family names.
pub const FAMILY_NAMES: [&str; 60] = [
    "Okoye",
    "Patel",
    "Smith",
    "Jones",
    "Williams",
    "Khan",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Patterson",
    "Young",
    "Allen",
    "Mitchell",
    "James",
    "Anderson",
    "Phillips",
    "Lee",
    "Bell",
    "Parker",
    "Davis",
    "Ahmed",
    "Hussain",
    "Begum",
    "Singh",
    "Mensah",
    "Nowak",
    "O'Brien",
];

/// Where a demo sign-in holds its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// The integrated care board.
    Icb,
    /// Riverside University Hospitals NHS Foundation Trust (the first of [`TRUSTS`]).
    AcuteTrust,
    /// Riverside City Council (the first place's council).
    CityCouncil,
    /// The first GP practice made.
    Practice,
    /// Age UK Riverside (the first of [`VCSE`]).
    AgeUkRiverside,
}

/// A person who gets a sign-in.
pub struct Account {
    /// The username.
    pub username: &'static str,
    /// The role the sign-in shows.
    pub role: Role,
    /// Given name.
    pub given: &'static str,
    /// Family name.
    pub family: &'static str,
    /// E-mail address (unique; also how a re-run finds the person).
    pub email: &'static str,
    /// Job title.
    pub title: &'static str,
    /// The organisation in which the role is held.
    pub home: Home,
}

/// One sign-in per role, plus `otherlead`: the partner lead of a second organisation.
pub const ACCOUNTS: [Account; 7] = [
    Account {
        username: "admin",
        role: Role::SystemAdministrator,
        given: "Amara",
        family: "Okafor",
        email: "amara.okafor@nhs.net",
        title: "Head of Digital Services",
        home: Home::Icb,
    },
    Account {
        username: "lead",
        role: Role::PartnerLead,
        given: "Daniel",
        family: "Hughes",
        email: "daniel.hughes@nhs.net",
        title: "Chief Executive",
        home: Home::AcuteTrust,
    },
    Account {
        username: "programme",
        role: Role::ProgrammeManager,
        given: "Priya",
        family: "Shah",
        email: "priya.shah@nhs.net",
        title: "Programme Manager, Musculoskeletal Transformation",
        home: Home::Icb,
    },
    Account {
        username: "analyst",
        role: Role::Analyst,
        given: "Tom",
        family: "Gallagher",
        email: "tom.gallagher@riversidecity.gov.uk",
        title: "Public Health Intelligence Analyst",
        home: Home::CityCouncil,
    },
    Account {
        username: "clinician",
        role: Role::DirectCareClinician,
        given: "Nadia",
        family: "Rahman",
        email: "nadia.rahman@nhs.net",
        title: "GP Partner",
        home: Home::Practice,
    },
    Account {
        username: "vcse",
        role: Role::VcseWorker,
        given: "Grace",
        family: "Mensah",
        email: "grace.mensah@ageukriverside.org.uk",
        title: "Social Prescribing Link Worker",
        home: Home::AgeUkRiverside,
    },
    Account {
        username: "otherlead",
        role: Role::PartnerLead,
        given: "Helen",
        family: "Carter",
        email: "helen.carter@riversidecity.gov.uk",
        title: "Chief Executive",
        home: Home::CityCouncil,
    },
];

/// The ICB's staff: job title and role.
pub const ICB_STAFF: [(&str, Role); 16] = [
    ("Chair", Role::PartnerLead),
    ("Non-Executive Member (Audit and Risk)", Role::PartnerLead),
    ("Non-Executive Member (Quality)", Role::PartnerLead),
    ("Chief Executive", Role::PartnerLead),
    ("Director of Strategy and Partnerships", Role::PartnerLead),
    ("Chief Finance Officer", Role::Analyst),
    ("Chief Medical Officer", Role::PartnerLead),
    ("Chief Nursing Officer", Role::PartnerLead),
    ("Director of Performance", Role::Analyst),
    ("Head of Population Health Intelligence", Role::Analyst),
    ("Senior Analyst", Role::Analyst),
    (
        "Programme Manager, Frailty and Ageing Well",
        Role::ProgrammeManager,
    ),
    (
        "Programme Manager, Urgent and Emergency Care",
        Role::ProgrammeManager,
    ),
    (
        "Programme Manager, Children and Young People",
        Role::ProgrammeManager,
    ),
    (
        "Programme Manager, Social Isolation",
        Role::ProgrammeManager,
    ),
    (
        "Head of Information Governance (Caldicott Guardian support)",
        Role::SystemAdministrator,
    ),
];

/// Each trust's senior staff: job title and role.
pub const TRUST_STAFF: [(&str, Role); 5] = [
    ("Chief Executive", Role::PartnerLead),
    ("Medical Director", Role::DirectCareClinician),
    ("Chief Operating Officer", Role::PartnerLead),
    ("Head of Business Intelligence", Role::Analyst),
    ("Transformation Programme Manager", Role::ProgrammeManager),
];

/// Each council's officers and elected member: job title and role.
pub const COUNCIL_STAFF: [(&str, Role); 5] = [
    ("Chief Executive", Role::PartnerLead),
    ("Director of Public Health", Role::PartnerLead),
    ("Director of Adult Social Services", Role::PartnerLead),
    (
        "Cabinet Member for Health and Wellbeing (elected member)",
        Role::PartnerLead,
    ),
    ("Public Health Analyst", Role::Analyst),
];

/// A programme board.
pub struct ProgrammeSpec {
    /// The board's name.
    pub name: &'static str,
    /// What the programme does.
    pub about: &'static str,
    /// The ICB director who is its senior responsible owner (and chairs the board).
    pub sro: &'static str,
    /// The job title of its programme manager at the ICB.
    pub manager: &'static str,
    /// The codes of the trusts that sit on it.
    pub trusts: &'static [&'static str],
    /// The names of the VCSE organisations that sit on it.
    pub vcse: &'static [&'static str],
}

/// The integration programmes' boards.
pub const PROGRAMMES: [ProgrammeSpec; 3] = [
    ProgrammeSpec {
        name: "Musculoskeletal Transformation Programme Board",
        about: "First-contact physiotherapy in the community, relieving GP and specialist demand.",
        sro: "Chief Medical Officer",
        manager: "Programme Manager, Musculoskeletal Transformation",
        trusts: &["RVC", "RRV", "RNM"],
        vcse: &[
            "Riverside and Vale Sports Partnership",
            "Vale Rural Transport Trust",
        ],
    },
    ProgrammeSpec {
        name: "Frailty and Ageing Well Programme Board",
        about: "Frailty virtual wards, falls prevention and proactive care for older people.",
        sro: "Chief Nursing Officer",
        manager: "Programme Manager, Frailty and Ageing Well",
        trusts: &["RVC", "RRV", "RVM"],
        vcse: &[
            "Age UK Vale and Northmoor",
            "Vale Dementia Friends",
            "Riverside and Vale Sports Partnership",
        ],
    },
    ProgrammeSpec {
        name: "Social Isolation and Community Connection Board",
        about: "Voluntary-sector link workers in practices for people at risk of social isolation.",
        sro: "Director of Strategy and Partnerships",
        manager: "Programme Manager, Social Isolation",
        trusts: &["RVM", "RVC"],
        vcse: &[
            "Age UK Riverside",
            "Saltcliffe Befriending Service",
            "Vale Men's Sheds Network",
            "Upper Vale Good Neighbours",
        ],
    },
];
