//! The fixed facts of the fictional Riverside and Vale ICS: places, named organisations, name lists.

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
    /// How many primary care networks it has.
    pub pcns: usize,
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
        pcns: 8,
        practice_letter: 'M',
        council: ("Riverside City Council", "E06000901"),
    },
    PlaceSpec {
        name: "Vale",
        population: 309_800,
        description: "Market towns and farming villages: an older population, long distances to hospital and few buses.",
        neighbourhoods: &[("Vale Market Towns", 121_500), ("Upper Vale", 94_100), ("Lower Vale", 94_200)],
        pcns: 6,
        practice_letter: 'V',
        council: ("Vale County Council", "E10000901"),
    },
    PlaceSpec {
        name: "Northmoor",
        population: 268_700,
        description: "Coastal towns with seasonal work, many older people living alone, and a district general hospital.",
        neighbourhoods: &[("Northmoor Bay", 97_300), ("Saltcliffe", 88_600), ("Moorside", 82_800)],
        pcns: 6,
        practice_letter: 'N',
        council: ("Northmoor Borough Council", "E06000902"),
    },
];

/// The trusts: name, code, type code, the places they serve (indexes into [`PLACES`]), description.
pub const TRUSTS: [(&str, &str, &str, &[usize], &str); 4] = [
    ("Riverside University Hospitals NHS Foundation Trust", "RRV", "acute_trust", &[0, 1], "Acute and specialist hospital care from Riverside General and the Vale Community Hospital."),
    ("Northmoor and Coast Hospitals NHS Trust", "RNM", "acute_trust", &[2], "The district general hospital for Northmoor and the coast."),
    ("Vale and Northmoor Community Health NHS Trust", "RVC", "community_trust", &[0, 1, 2], "Community nursing, therapies, virtual wards and community hospitals across the system."),
    ("Riverside and Vale Mental Health NHS Foundation Trust", "RVM", "mental_health_trust", &[0, 1, 2], "Mental health, learning disability and autism services for all ages."),
];

/// Voluntary, community and social enterprise organisations: name, place index (None = system-wide), what they do.
pub const VCSE: [(&str, Option<usize>, &str); 25] = [
    ("Age UK Riverside", Some(0), "Information, befriending and day services for older people in the city."),
    ("Age UK Vale and Northmoor", None, "Help at home, befriending and advice for older people outside the city."),
    ("Riverside Carers' Centre", Some(0), "Support, breaks and advice for unpaid carers."),
    ("Vale Carers Network", Some(1), "Carers' groups and respite in the market towns."),
    ("Northmoor Mind", Some(2), "Mental health support, crisis café and peer groups on the coast."),
    ("Riverside Mind", Some(0), "Talking therapies, peer support and a crisis café."),
    ("Docklands Food Bank", Some(0), "Emergency food parcels and cost-of-living advice."),
    ("Citizens Advice Riverside and Vale", None, "Advice on benefits, debt, housing and work."),
    ("Vale Men's Sheds Network", Some(1), "Workshops where men meet, make and mend together."),
    ("Saltcliffe Befriending Service", Some(2), "Volunteer visitors and phone friends for people who live alone."),
    ("Riverside Refugee Welcome", Some(0), "Help for refugees and asylum seekers to settle and register with services."),
    ("Vale Rural Transport Trust", Some(1), "Community buses and volunteer drivers to appointments."),
    ("Northmoor Bay Community Trust", Some(2), "Community centre, warm spaces and youth work."),
    ("Riverside Young People's Project", Some(0), "Youth work and emotional wellbeing support for 11 to 25 year olds."),
    ("Home-Start Vale", Some(1), "Volunteers supporting families with young children."),
    ("Moorside Community Pantry", Some(2), "Low-cost food club and cooking classes."),
    ("Eastbrook Somali Community Association", Some(0), "Advice, health champions and interpreting for the Somali community."),
    ("Riverside and Vale Stroke Club", None, "Peer support and exercise for stroke survivors."),
    ("Vale Dementia Friends", Some(1), "Memory cafés and support for people living with dementia."),
    ("Northmoor Veterans' Hub", Some(2), "Drop-in support for veterans and their families."),
    ("Riverside Recovery Community", Some(0), "Peer-led recovery from drug and alcohol harm."),
    ("Upper Vale Good Neighbours", Some(1), "Volunteers doing shopping, lifts and check-in calls."),
    ("Learning Disability Voices Riverside and Vale", None, "Self-advocacy by people with learning disabilities."),
    ("Northmoor Coast Credit Union", Some(2), "Affordable savings and loans."),
    ("Riverside and Vale Sports Partnership", None, "Physical activity programmes, including falls prevention classes."),
];

/// Hospices and Healthwatch: name, code, type code, place index (None = system-wide).
pub const OTHERS: [(&str, &str, &str, Option<usize>); 3] = [
    ("Healthwatch Riverside and Vale", "HW-RV", "healthwatch", None),
    ("St Clare's Hospice", "CH-1093871", "hospice", Some(0)),
    ("Northmoor Bay Hospice", "CH-1102264", "hospice", Some(2)),
];

/// Words that name practices.
pub const PRACTICE_NAMES: [&str; 48] = [
    "Riverside Road", "The Elms", "Castle Street", "Abbey", "Park View", "Market Square", "Station Road", "Church Lane",
    "Brookside", "The Willows", "Orchard", "Highfield", "Meadowbank", "Victoria", "Albion", "St Mark's", "Harbour",
    "Bridge Street", "Old School", "Kingsway", "Millbrook", "Oakwood", "The Green", "Westgate", "Northgate", "Eastgate",
    "Southview", "Cliff Road", "Priory", "Beacon", "Fairfield", "Hollybush", "Lakeside", "Moorland", "Greenbank",
    "The Limes", "Cedar House", "Ashgrove", "Beech Tree", "Riverbank", "Saltcliffe Road", "Quayside", "Foundry",
    "Weavers", "Tannery Lane", "Wharf", "Minster", "Valley",
];

/// How practices describe themselves.
pub const PRACTICE_SUFFIXES: [&str; 5] = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice"];

/// Given names.
pub const GIVEN_NAMES: [&str; 60] = [
    "Amara", "Ben", "Chloe", "Daniel", "Eleanor", "Farhan", "Grace", "Hassan", "Isla", "James", "Kiran", "Laura", "Mohammed",
    "Niamh", "Oliver", "Priya", "Quentin", "Rachel", "Samuel", "Tariq", "Una", "Victoria", "William", "Xavier", "Yasmin",
    "Zoe", "Aisha", "Callum", "Deborah", "Ewan", "Fatima", "Gareth", "Helen", "Imran", "Joanne", "Kwame", "Lucy", "Marcus",
    "Nadia", "Owen", "Paul", "Ruth", "Sunita", "Thomas", "Wendy", "Adebayo", "Bethan", "Connor", "Divya", "Emma",
    "Francesca", "George", "Hannah", "Ifeoma", "Jack", "Katie", "Liam", "Megan", "Nkechi", "Rhys",
];

/// Family names.
pub const FAMILY_NAMES: [&str; 60] = [
    "Okoye", "Patel", "Smith", "Jones", "Williams", "Khan", "Brown", "Taylor", "Davies", "Evans", "Wilson", "Thomas",
    "Roberts", "Johnson", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
    "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward",
    "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Patterson", "Young", "Allen", "Mitchell", "James", "Anderson",
    "Phillips", "Lee", "Bell", "Parker", "Davis", "Ahmed", "Hussain", "Begum", "Singh", "Mensah", "Nowak", "O'Brien",
];
