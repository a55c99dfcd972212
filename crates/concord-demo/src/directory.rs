//! Refer in the demo: the service directory, loaded through the real HSDS import. A taxonomy of
//! needs (loneliness, physical activity, money ...) first; then each VCSE partner's own services,
//! imported as that partner's; then a council feed of about 200 community services (libraries,
//! leisure centres, community groups: no partner's) imported as the system's own directory.
//!
//! Every id is a UUID made from what it names, so a second load finds the same services and
//! changes nothing.

use crate::data::{PLACES, VCSE};
use crate::DemoError;
use concord_app::refer::directory::{import, Upload};
use concord_directory::feed::FeedKind;
use concord_domain::Principal;
use concord_store::organisations::{self, OrganisationSearch};
use concord_store::{directory, Actor, PageRequest, Store};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A UUID made from `key` (the same key, the same UUID).
pub(crate) fn uuid_of(key: &str) -> String {
    let hash = Sha256::digest(key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// The needs a service meets: the directory's taxonomy.
const NEEDS: [(&str, &str); 14] = [
    ("loneliness", "Loneliness and social isolation"),
    ("activity", "Physical activity"),
    ("wellbeing", "Mental wellbeing"),
    ("money", "Money, debt and benefits"),
    ("food", "Food"),
    ("carers", "Caring for someone"),
    ("housing", "Housing"),
    ("older", "Older people's support"),
    ("work", "Employment and learning"),
    ("digital", "Digital skills"),
    ("creative", "Arts and creativity"),
    ("transport", "Getting about"),
    ("conditions", "Living with a long-term condition"),
    ("families", "Families and young people"),
];

const TAXONOMY: &str = "Riverside and Vale social prescribing needs";

fn term(code: &str) -> Value {
    let (code, name) = NEEDS
        .iter()
        .find(|(c, _)| *c == code)
        .expect("a need of the taxonomy");
    json!({
        "id": uuid_of(&format!("need:{code}")),
        "code": code,
        "name": name,
        "description": format!("Services that help with {}.", name.to_lowercase()),
        "taxonomy_id": uuid_of("taxonomy:needs"),
        "language": "en",
    })
}

/// Each neighbourhood's postcode district and a position near its middle.
const DISTRICTS: [(&str, &str, f64, f64); 10] = [
    ("Riverside Central", "RV1", 53.7996, -1.5491),
    ("Docklands", "RV2", 53.7905, -1.5202),
    ("Riverside North", "RV3", 53.8261, -1.5567),
    ("Eastbrook", "RV4", 53.8040, -1.4980),
    ("Vale Market Towns", "VL1", 54.2406, -1.3453),
    ("Upper Vale", "VL2", 54.3120, -1.5180),
    ("Lower Vale", "VL3", 54.1390, -1.1940),
    ("Northmoor Bay", "NM1", 54.4858, -0.6206),
    ("Saltcliffe", "NM2", 54.5830, -0.9700),
    ("Moorside", "NM3", 54.4310, -0.8830),
];

/// A VCSE partner's service: the partner, its name, what it does, the needs it meets, places
/// (its capacity; 0: no limit kept), the day it meets and its hours.
type VcseService = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    u32,
    &'static str,
    &'static str,
    &'static str,
);

/// Who funds the VCSE partners' services (illustrative), as HSDS `funding` sources.
const FUNDERS: [&str; 4] = [
    "NHS Riverside and Vale ICB (social prescribing contract)",
    "Riverside City Council (community grants)",
    "The National Lottery Community Fund",
    "The charity's own fundraising",
];

const VCSE_SERVICES: [VcseService; 30] = [
    ("Age UK Riverside", "Befriending for older people", "A volunteer visits or phones each week for a chat, and helps with getting out and about.", &["loneliness", "older"], 40, "MO", "09:00", "17:00"),
    ("Age UK Riverside", "Day centre at St Anne's", "Lunch, activities and company three days a week, with transport for those who need it.", &["loneliness", "older", "food"], 25, "TU", "10:00", "15:00"),
    ("Age UK Vale and Northmoor", "Help at home", "Practical help at home and a friendly face for older people in the towns and villages.", &["older", "loneliness"], 30, "MO", "09:00", "17:00"),
    ("Riverside Carers' Centre", "Carers' support and breaks", "One-to-one support, carers' assessments help and short breaks for unpaid carers.", &["carers", "wellbeing"], 50, "WE", "09:30", "16:30"),
    ("Vale Carers Network", "Carers' coffee mornings", "Meet other carers in the market towns; advice on respite and benefits.", &["carers", "loneliness"], 20, "TH", "10:00", "12:00"),
    ("Northmoor Mind", "Coastal crisis café", "An evening drop-in for anyone struggling with their mental health, without an appointment.", &["wellbeing"], 0, "FR", "18:00", "22:00"),
    ("Northmoor Mind", "Peer support groups", "Weekly groups led by people with their own experience of mental ill health.", &["wellbeing", "loneliness"], 15, "TU", "14:00", "16:00"),
    ("Riverside Mind", "Wellbeing course", "Six weekly sessions on managing stress, low mood and sleep.", &["wellbeing"], 12, "WE", "13:00", "15:00"),
    ("Docklands Food Bank", "Emergency food parcels", "Three days of food for people in crisis, with a referral from a link worker, GP or advice agency.", &["food", "money"], 0, "MO", "11:00", "14:00"),
    ("Citizens Advice Riverside and Vale", "Benefits and debt advice", "Free, confidential advice on benefits, debt, housing and work, in person or by phone.", &["money", "housing", "work"], 60, "MO", "09:00", "16:00"),
    ("Vale Men's Sheds Network", "Men's shed", "Make, mend and chat in a shared workshop; all skill levels welcome.", &["loneliness", "creative"], 18, "WE", "10:00", "15:00"),
    ("Saltcliffe Befriending Service", "Phone friends", "A regular phone call from a trained volunteer for people who live alone.", &["loneliness", "older"], 35, "MO", "10:00", "18:00"),
    ("Riverside Refugee Welcome", "Settling in support", "Help to register with a GP, find English classes and connect with local groups.", &["housing", "work", "families"], 25, "TH", "10:00", "16:00"),
    ("Vale Rural Transport Trust", "Volunteer drivers to appointments", "Lifts to health appointments and the shops for people without transport.", &["transport", "older"], 45, "MO", "08:00", "18:00"),
    ("Northmoor Bay Community Trust", "Warm space and lunch club", "A warm place to spend the day with hot drinks, lunch and company.", &["loneliness", "food"], 40, "TU", "10:00", "16:00"),
    ("Riverside Young People's Project", "Youth wellbeing sessions", "One-to-one and group support for emotional wellbeing, for 11 to 25 year olds.", &["families", "wellbeing"], 20, "TH", "16:00", "20:00"),
    ("Home-Start Vale", "Family support volunteers", "A trained volunteer visits families with young children who are finding things hard.", &["families", "loneliness"], 24, "MO", "09:00", "17:00"),
    ("Moorside Community Pantry", "Community pantry", "A low-cost food club: a week's shopping for a small membership fee.", &["food", "money"], 80, "FR", "10:00", "14:00"),
    ("Moorside Community Pantry", "Cooking on a budget", "Four-week cooking classes using pantry food.", &["food", "activity"], 10, "WE", "18:00", "20:00"),
    ("Eastbrook Somali Community Association", "Health champions and interpreting", "Health advice and interpreting in Somali, and help to use local services.", &["conditions", "families"], 30, "SA", "10:00", "14:00"),
    ("Riverside and Vale Stroke Club", "Stroke club", "Peer support and seated exercise for stroke survivors and their carers.", &["conditions", "activity", "loneliness"], 25, "TU", "13:30", "15:30"),
    ("Vale Dementia Friends", "Memory café", "A relaxed café for people living with dementia and those who care for them.", &["older", "carers", "loneliness"], 30, "TH", "14:00", "16:00"),
    ("Northmoor Veterans' Hub", "Veterans' drop-in", "Support, advice and company for veterans and their families.", &["loneliness", "wellbeing"], 0, "WE", "10:00", "14:00"),
    ("Riverside Recovery Community", "Recovery peer groups", "Peer-led groups for recovery from drug and alcohol harm.", &["wellbeing", "conditions"], 30, "MO", "18:00", "20:00"),
    ("Upper Vale Good Neighbours", "Good neighbours scheme", "Volunteers who do shopping, lifts and check-in calls for neighbours who need a hand.", &["older", "loneliness", "transport"], 50, "MO", "09:00", "17:00"),
    ("Learning Disability Voices Riverside and Vale", "Self-advocacy groups", "Groups where people with learning disabilities speak up about the services they use.", &["wellbeing", "work"], 20, "TU", "10:00", "12:00"),
    ("Northmoor Coast Credit Union", "Affordable loans and savings", "Small loans and savings accounts, an alternative to high-cost lenders.", &["money"], 0, "MO", "10:00", "15:00"),
    ("Riverside and Vale Sports Partnership", "Falls prevention classes", "Strength and balance classes for older people, in community halls.", &["activity", "older"], 16, "WE", "10:30", "11:30"),
    ("Riverside and Vale Sports Partnership", "Walking football", "A slower game for people of any age getting back to activity.", &["activity", "loneliness"], 24, "SA", "10:00", "11:30"),
    ("Riverside and Vale Sports Partnership", "Active at home", "Free exercise sessions online and by phone for people who cannot get out.", &["activity", "digital"], 40, "TH", "11:00", "12:00"),
];

/// The council feed's kinds of community service: name, what it is, the needs it meets, the
/// provider (its name, for the organization), day, hours.
type CouncilKind = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const COUNCIL_KINDS: [CouncilKind; 20] = [
    ("Library reading group", "A monthly book group at the library; books provided.", &["loneliness", "creative"], "Libraries", "TU", "14:00", "15:30"),
    ("Library digital help", "Help to get online, use a smartphone and order repeat prescriptions.", &["digital", "older"], "Libraries", "WE", "10:00", "12:00"),
    ("Knit and natter", "Bring your knitting or learn, with tea and company.", &["loneliness", "creative"], "Libraries", "TH", "14:00", "16:00"),
    ("Health walk", "A free, led walk of about an hour at an easy pace.", &["activity", "loneliness"], "Parks and Countryside", "MO", "10:00", "11:00"),
    ("Community gardening", "Grow food and flowers with neighbours; tools and tea provided.", &["activity", "loneliness", "food"], "Parks and Countryside", "SA", "10:00", "13:00"),
    ("Leisure centre over-50s swim", "Quiet swimming sessions for people over fifty.", &["activity", "older"], "Leisure Centres", "TU", "09:00", "10:00"),
    ("Exercise on referral", "Twelve weeks of supported exercise for people with a long-term condition, referred by a health professional.", &["activity", "conditions"], "Leisure Centres", "MO", "13:00", "15:00"),
    ("Chair yoga", "Gentle yoga sitting down, for all abilities.", &["activity", "wellbeing"], "Leisure Centres", "FR", "11:00", "12:00"),
    ("Adult learning: English for speakers of other languages", "Free English classes for adults.", &["work", "families"], "Adult Learning", "MO", "18:00", "20:00"),
    ("Adult learning: job club", "Help with CVs, applications and interviews.", &["work", "money"], "Adult Learning", "TH", "10:00", "12:00"),
    ("Welfare rights advice", "Help to claim the benefits you are entitled to.", &["money"], "Welfare Rights", "WE", "09:30", "12:30"),
    ("Housing options", "Advice if you are homeless or may lose your home.", &["housing"], "Housing Options", "MO", "09:00", "17:00"),
    ("Warm space", "A warm, free place to spend the day over winter.", &["loneliness", "money"], "Community Centres", "MO", "09:00", "17:00"),
    ("Lunch club", "A hot two-course lunch and company for a small charge.", &["food", "loneliness", "older"], "Community Centres", "WE", "12:00", "14:00"),
    ("Parent and toddler group", "Play and chat for parents and carers with children under four.", &["families", "loneliness"], "Family Hubs", "TU", "09:30", "11:30"),
    ("Arts on prescription", "Ten weeks of art sessions for people with low mood or anxiety.", &["creative", "wellbeing"], "Arts and Culture", "TH", "13:00", "15:00"),
    ("Community choir", "Singing for fun; no experience needed and no auditions.", &["creative", "loneliness"], "Arts and Culture", "MO", "19:00", "20:30"),
    ("Men's health drop-in", "An informal drop-in for men to talk about health and wellbeing.", &["wellbeing", "conditions"], "Public Health", "FR", "17:00", "19:00"),
    ("Carers' card and breaks", "The council's support for carers: a carers' card, breaks and advice.", &["carers"], "Adult Social Care", "MO", "09:00", "17:00"),
    ("Dial-a-ride", "A door-to-door minibus for people who cannot use buses.", &["transport", "older"], "Transport", "MO", "08:00", "18:00"),
];

fn schedule(key: &str, day: &str, opens: &str, closes: &str) -> Value {
    json!({
        "id": uuid_of(&format!("{key}:schedule")),
        "freq": "WEEKLY",
        "interval": 1,
        "wkst": "MO",
        "byday": day,
        "opens_at": format!("{opens}:00"),
        "closes_at": format!("{closes}:00"),
        "description": format!("Every {} from {opens} to {closes}.", day_name(day)),
    })
}

fn day_name(day: &str) -> &'static str {
    match day {
        "MO" => "Monday",
        "TU" => "Tuesday",
        "WE" => "Wednesday",
        "TH" => "Thursday",
        "FR" => "Friday",
        "SA" => "Saturday",
        _ => "Sunday",
    }
}

/// A place in `district` for a service keyed `key`, its street numbered `n`.
fn location(key: &str, name: &str, district: &(&str, &str, f64, f64), n: usize) -> Value {
    let (neighbourhood, code, lat, lon) = district;
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let postcode = format!(
        "{code} {}{}{}",
        1 + n % 9,
        letters[(n / 3) % 20] as char,
        letters[(n * 7) % 20] as char
    );
    // Spread the places about a kilometre or two around the district's middle.
    let dlat = ((n * 37) % 21) as f64 / 1000.0 - 0.01;
    let dlon = ((n * 53) % 31) as f64 / 1000.0 - 0.015;
    json!({
        "id": uuid_of(&format!("{key}:location")),
        "location_type": "physical",
        "name": name,
        "latitude": ((lat + dlat) * 10_000.0).round() / 10_000.0,
        "longitude": ((lon + dlon) * 10_000.0).round() / 10_000.0,
        "addresses": [{
            "id": uuid_of(&format!("{key}:address")),
            "address_1": format!("{} {} Road", 1 + (n * 13) % 120, ["Church", "Station", "Mill", "Park", "High", "Victoria"][n % 6]),
            "city": neighbourhood,
            "state_province": "England",
            "postal_code": postcode,
            "country": "GB",
            "address_type": "physical",
        }],
    })
}

fn capacity(key: &str, maximum: u32, n: usize, today: &str) -> Option<Value> {
    (maximum > 0).then(|| {
        // Some services are full, most have room.
        let available = if n.is_multiple_of(5) {
            0
        } else {
            (maximum * (1 + (n as u32 * 7) % 9)) / 10
        };
        json!([{
            "id": uuid_of(&format!("{key}:capacity")),
            "unit": {"id": uuid_of("unit:places"), "name": "places"},
            "available": available,
            "maximum": maximum,
            "description": "Places for new people referred",
            "updated": today,
        }])
    })
}

/// Loads the directory, unless it is already there; gives how many services it holds.
pub async fn seed_directory(store: &Store) -> Result<usize, DemoError> {
    if directory::services(
        store,
        &Default::default(),
        PageRequest::new(Some(1), Some(1)),
    )
    .await?
    .total
        > 0
    {
        return Ok(0);
    }
    let admin = system_principal(store).await?;
    let actor = Actor::system("demo: service directory");
    let today = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .expect("a time")
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let failed =
        |e: concord_store::StoreError| DemoError::Population(format!("the service directory: {e}"));

    let taxonomy = json!([{
        "id": uuid_of("taxonomy:needs"),
        "name": TAXONOMY,
        "description": "What a person referred needs help with, as link workers in the system record it.",
        "version": "2026",
    }]);
    let terms: Vec<Value> = NEEDS.iter().map(|(code, _)| term(code)).collect();
    for (name, kind, records) in [
        ("needs-taxonomy.json", FeedKind::Taxonomies, taxonomy),
        (
            "needs-terms.json",
            FeedKind::TaxonomyTerms,
            Value::Array(terms),
        ),
    ] {
        let upload = Upload::Feed {
            file_name: name.into(),
            bytes: serde_json::to_vec(&records).expect("JSON"),
            kind,
        };
        import(store, &admin, &actor, None, &upload)
            .await
            .map_err(failed)?;
    }

    let mut total = 0;
    for (i, (partner, _, what)) in VCSE.iter().enumerate() {
        let services: Vec<(usize, &VcseService)> = VCSE_SERVICES
            .iter()
            .enumerate()
            .filter(|(_, s)| s.0 == *partner)
            .collect();
        if services.is_empty() {
            continue;
        }
        let Some(organisation) = organisations::list(
            store,
            &OrganisationSearch {
                q: Some(partner.to_string()),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(5)),
        )
        .await?
        .items
        .into_iter()
        .find(|o| o.name == *partner) else {
            continue;
        };
        let place = VCSE[i].1;
        let records: Vec<Value> = services
            .iter()
            .map(|(n, (_, name, description, needs, places, day, opens, closes))| {
                let key = format!("vcse:{partner}:{name}");
                let district = &DISTRICTS[place_district(place, *n)];
                let mut service = json!({
                    "id": uuid_of(&key),
                    "name": name,
                    "description": description,
                    "status": "active",
                    "email": format!(
                        "hello@{}.org.uk",
                        partner
                            .to_lowercase()
                            .chars()
                            .filter(char::is_ascii_alphanumeric)
                            .take(24)
                            .collect::<String>()
                    ),
                    "application_process": "Referral by a social prescribing link worker, GP practice or self-referral.",
                    "fees": "Free",
                    "last_modified": today,
                    "organization": {
                        "id": uuid_of(&format!("vcse:{partner}")),
                        "name": partner,
                        "description": what,
                    },
                    "phones": [{"id": uuid_of(&format!("{key}:phone")), "number": format!("0113 496 {:04}", 100 + n * 17)}],
                    "schedules": [schedule(&key, day, opens, closes)],
                    "service_at_locations": [{
                        "id": uuid_of(&format!("{key}:at")),
                        "location": location(&key, &format!("{partner}, {}", district.0), district, *n),
                    }],
                    "attributes": needs.iter().map(|need| json!({
                        "id": uuid_of(&format!("{key}:need:{need}")),
                        "taxonomy_term": term(need),
                    })).collect::<Vec<_>>(),
                });
                if let Some(capacity) = capacity(&key, *places, *n, &today) {
                    service["capacities"] = capacity;
                }
                service["funding"] = json!([{
                    "id": uuid_of(&format!("{key}:funding")),
                    "source": FUNDERS[(i + n) % FUNDERS.len()],
                }]);
                service
            })
            .collect();
        let upload = Upload::Feed {
            file_name: format!("{partner} services.json"),
            bytes: serde_json::to_vec(&records).expect("JSON"),
            kind: FeedKind::Services,
        };
        import(store, &admin, &actor, Some(&organisation.id), &upload)
            .await
            .map_err(failed)?;
        total += records.len();
    }

    // The councils' feed: every kind of community service in every neighbourhood.
    let mut council = Vec::new();
    for (d, district) in DISTRICTS.iter().enumerate() {
        let place = &PLACES[match district.1 {
            code if code.starts_with("RV") => 0,
            code if code.starts_with("VL") => 1,
            _ => 2,
        }];
        for (k, (name, description, needs, provider, day, opens, closes)) in
            COUNCIL_KINDS.iter().enumerate()
        {
            let n = d * COUNCIL_KINDS.len() + k;
            let key = format!("council:{}:{name}", district.0);
            let organization = format!(
                "{} {provider}",
                place
                    .council
                    .0
                    .trim_end_matches(" Council")
                    .trim_end_matches(" City")
                    .trim_end_matches(" County")
                    .trim_end_matches(" Borough")
            );
            let mut service = json!({
                "id": uuid_of(&key),
                "name": format!("{name}, {}", district.0),
                "description": description,
                "status": if n.is_multiple_of(41) { "temporarily closed" } else { "active" },
                "last_modified": today,
                "organization": {
                    "id": uuid_of(&format!("council:{organization}")),
                    "name": organization,
                    "description": format!("{} of {}.", provider, place.council.0),
                },
                "schedules": [schedule(&key, day, opens, closes)],
                "service_at_locations": [{
                    "id": uuid_of(&format!("{key}:at")),
                    "location": location(&key, &format!("{} {provider}", district.0), district, n),
                }],
                "attributes": needs.iter().map(|need| json!({
                    "id": uuid_of(&format!("{key}:need:{need}")),
                    "taxonomy_term": term(need),
                })).collect::<Vec<_>>(),
            });
            if let Some(capacity) = capacity(
                &key,
                if k % 3 == 0 {
                    0
                } else {
                    12 + (n as u32 % 5) * 6
                },
                n,
                &today,
            ) {
                service["capacities"] = capacity;
            }
            council.push(service);
        }
    }
    let upload = Upload::Feed {
        file_name: "councils-community-services.json".into(),
        bytes: serde_json::to_vec(&council).expect("JSON"),
        kind: FeedKind::Services,
    };
    import(store, &admin, &actor, None, &upload)
        .await
        .map_err(failed)?;
    total += council.len();
    Ok(total)
}

/// Which district a partner's `n`th service is in: its own place's districts (or any, for a
/// system-wide partner).
fn place_district(place: Option<usize>, n: usize) -> usize {
    let range = match place {
        Some(0) => 0..4,
        Some(1) => 4..7,
        Some(2) => 7..10,
        _ => 0..10,
    };
    range.start + n % range.len()
}

/// The demo's system administrator, who loads the councils' feed.
pub(crate) async fn system_principal(store: &Store) -> Result<Principal, DemoError> {
    let admin = &crate::data::ACCOUNTS[0];
    let person = concord_store::people::find_by_email(store, admin.email)
        .await?
        .ok_or_else(|| DemoError::Population("the demo's administrator is missing".into()))?;
    concord_store::people::principal(store, &person.id)
        .await?
        .ok_or_else(|| DemoError::Population("the demo's administrator has no roles".into()))
}
