//! The published figures a synthetic population is drawn to: England's age and sex structure,
//! GP-register (QOF) prevalences, and the codes its records carry. Sources are in
//! `data/reference/REFERENCE.md`; the figures here are those tables, kept as constants so a build
//! needs no files.

/// England's population by five-year age band (the last is 90 and over), in thousands:
/// (lowest age, female, male). ONS mid-year estimates (see `data/reference/REFERENCE.md`).
pub const ENGLAND_AGE_SEX: [(u32, f64, f64); 19] = [
    (0, 1_553.0, 1_631.0),
    (5, 1_681.0, 1_763.0),
    (10, 1_738.0, 1_827.0),
    (15, 1_602.0, 1_681.0),
    (20, 1_736.0, 1_768.0),
    (25, 1_858.0, 1_836.0),
    (30, 1_954.0, 1_894.0),
    (35, 1_904.0, 1_840.0),
    (40, 1_795.0, 1_755.0),
    (45, 1_720.0, 1_680.0),
    (50, 1_896.0, 1_844.0),
    (55, 1_903.0, 1_856.0),
    (60, 1_680.0, 1_620.0),
    (65, 1_421.0, 1_335.0),
    (70, 1_335.0, 1_216.0),
    (75, 1_181.0, 1_015.0),
    (80, 791.0, 628.0),
    (85, 504.0, 343.0),
    (90, 356.0, 182.0),
];

/// How a condition's prevalence changes with age.
#[derive(Debug, Clone, Copy)]
pub enum AgeProfile {
    /// The same at every age from the register's minimum.
    Flat,
    /// Rising with age: half its plateau at `midpoint` years, by `slope` per year on the logistic
    /// scale.
    Rising {
        /// The age at half the plateau.
        midpoint: f64,
        /// Steepness (per year).
        slope: f64,
    },
}

/// A GP-register condition: its QOF register, the age the register starts at, its published
/// prevalence (per cent of registered patients of that age), the SNOMED CT code the synthetic
/// records use for it, its term, the number of regular medicines it usually brings, and its age
/// profile.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    /// The QOF register.
    pub register: &'static str,
    /// The register's minimum age.
    pub age_min: u32,
    /// England prevalence, per cent.
    pub prevalence_percent: f64,
    /// SNOMED CT concept id.
    pub code: &'static str,
    /// Its term.
    pub term: &'static str,
    /// Regular medicines it brings, typically.
    pub medicines: u32,
    /// How prevalence varies with age.
    pub profile: AgeProfile,
}

const fn rising(midpoint: f64, slope: f64) -> AgeProfile {
    AgeProfile::Rising { midpoint, slope }
}

/// QOF registers, England (see `data/reference/REFERENCE.md` for the year and source).
pub const CONDITIONS: [Condition; 16] = [
    Condition {
        register: "Hypertension",
        age_min: 0,
        prevalence_percent: 14.8,
        code: "38341003",
        term: "Hypertensive disorder, systemic arterial",
        medicines: 2,
        profile: rising(62.0, 0.085),
    },
    Condition {
        register: "Diabetes mellitus",
        age_min: 17,
        prevalence_percent: 7.7,
        code: "44054006",
        term: "Diabetes mellitus type 2",
        medicines: 2,
        profile: rising(62.0, 0.07),
    },
    Condition {
        register: "Asthma",
        age_min: 6,
        prevalence_percent: 6.5,
        code: "195967001",
        term: "Asthma",
        medicines: 1,
        profile: AgeProfile::Flat,
    },
    Condition {
        register: "COPD",
        age_min: 0,
        prevalence_percent: 1.9,
        code: "13645005",
        term: "Chronic obstructive lung disease",
        medicines: 2,
        profile: rising(72.0, 0.08),
    },
    Condition {
        register: "Coronary heart disease",
        age_min: 0,
        prevalence_percent: 3.0,
        code: "53741008",
        term: "Coronary arteriosclerosis",
        medicines: 3,
        profile: rising(74.0, 0.09),
    },
    Condition {
        register: "Atrial fibrillation",
        age_min: 0,
        prevalence_percent: 2.2,
        code: "49436004",
        term: "Atrial fibrillation",
        medicines: 2,
        profile: rising(79.0, 0.1),
    },
    Condition {
        register: "Heart failure",
        age_min: 0,
        prevalence_percent: 1.1,
        code: "84114007",
        term: "Heart failure",
        medicines: 3,
        profile: rising(82.0, 0.1),
    },
    Condition {
        register: "Stroke and TIA",
        age_min: 0,
        prevalence_percent: 1.9,
        code: "230690007",
        term: "Cerebrovascular accident",
        medicines: 2,
        profile: rising(78.0, 0.09),
    },
    Condition {
        register: "Chronic kidney disease",
        age_min: 18,
        prevalence_percent: 4.4,
        code: "709044004",
        term: "Chronic kidney disease",
        medicines: 1,
        profile: rising(80.0, 0.1),
    },
    Condition {
        register: "Dementia",
        age_min: 0,
        prevalence_percent: 0.8,
        code: "52448006",
        term: "Dementia",
        medicines: 1,
        profile: rising(88.0, 0.16),
    },
    Condition {
        register: "Depression",
        age_min: 18,
        prevalence_percent: 13.2,
        code: "35489007",
        term: "Depressive disorder",
        medicines: 1,
        profile: AgeProfile::Flat,
    },
    Condition {
        register: "Cancer",
        age_min: 0,
        prevalence_percent: 3.6,
        code: "363346000",
        term: "Malignant neoplastic disease",
        medicines: 0,
        profile: rising(72.0, 0.07),
    },
    Condition {
        register: "Osteoporosis",
        age_min: 50,
        prevalence_percent: 0.9,
        code: "64859006",
        term: "Osteoporosis",
        medicines: 1,
        profile: rising(78.0, 0.1),
    },
    Condition {
        register: "Rheumatoid arthritis",
        age_min: 16,
        prevalence_percent: 0.8,
        code: "69896004",
        term: "Rheumatoid arthritis",
        medicines: 1,
        profile: rising(62.0, 0.06),
    },
    Condition {
        register: "Epilepsy",
        age_min: 18,
        prevalence_percent: 0.8,
        code: "84757009",
        term: "Epilepsy",
        medicines: 1,
        profile: AgeProfile::Flat,
    },
    Condition {
        register: "Peripheral arterial disease",
        age_min: 0,
        prevalence_percent: 0.6,
        code: "399957001",
        term: "Peripheral arterial occlusive disease",
        medicines: 1,
        profile: rising(76.0, 0.09),
    },
];

/// SNOMED CT: lives alone (finding).
pub const LIVES_ALONE: &str = "105529008";
/// SNOMED CT: feeling lonely (finding).
pub const LONELY: &str = "267076002";
/// SNOMED CT: social isolation (finding).
pub const SOCIAL_ISOLATION: &str = "422650009";
/// SNOMED CT: death of spouse (event), for a recent bereavement.
pub const BEREAVEMENT: &str = "105441003";
/// SNOMED CT: body mass index (observable entity).
pub const BMI: (&str, &str) = (SNOMED, "60621009");
/// SNOMED CT: systolic blood pressure (observable entity).
pub const SYSTOLIC_BP: (&str, &str) = (SNOMED, "271649006");
/// LOINC: the Three-Item Loneliness Scale (UCLA-3) panel, carrying its total score (3 to 9): no
/// code for the total alone was found (see `data/reference/REFERENCE.md` §3.3).
pub const UCLA3: (&str, &str) = ("http://loinc.org", "106418-7");

/// The SNOMED CT system URI.
pub const SNOMED: &str = "http://snomed.info/sct";

/// eFI deficits drawn by the frailty model, with the chance an 80-year-old of average latent
/// frailty has one recorded. Deficits that are GP-register conditions ([`CONDITIONS`]) or social
/// circumstances come from those models instead.
pub const DEFICIT_CHANCE_AT_80: [(&str, f64); 24] = [
    ("Activity limitation", 0.08),
    ("Anaemia & haematinic deficiency", 0.14),
    ("Arthritis", 0.38),
    ("Dizziness", 0.12),
    ("Dyspnoea", 0.12),
    ("Falls", 0.16),
    ("Foot problems", 0.14),
    ("Fragility fracture", 0.08),
    ("Hearing impairment", 0.24),
    ("Heart valve disease", 0.05),
    ("Housebound", 0.05),
    ("Hypotension/syncope", 0.07),
    ("Memory & cognitive problems", 0.07),
    ("Mobility and transfer problems", 0.08),
    ("Parkinsonism & tremor", 0.04),
    ("Peptic ulcer", 0.05),
    ("Requirement for care", 0.06),
    ("Skin ulcer", 0.05),
    ("Sleep disturbance", 0.14),
    ("Thyroid disease", 0.11),
    ("Urinary incontinence", 0.14),
    ("Urinary system disease", 0.11),
    ("Visual impairment", 0.18),
    ("Weight loss & anorexia", 0.05),
];

/// A deficit of the frailty model: its name, its codes and its chance at 80.
pub type DeficitCodes = (&'static str, Vec<&'static str>, f64);

/// The frailty model's deficits, with codes from the eFI codelist (read once per process).
pub fn deficit_codes() -> &'static [DeficitCodes] {
    static CODES: std::sync::OnceLock<Vec<DeficitCodes>> = std::sync::OnceLock::new();
    CODES.get_or_init(read_deficit_codes)
}

fn read_deficit_codes() -> Vec<DeficitCodes> {
    let list = concord_population::efi::EfiCodelist::built_in();
    DEFICIT_CHANCE_AT_80
        .iter()
        .map(|(name, chance)| {
            let bit = list
                .deficits
                .iter()
                .position(|d| d == name)
                .unwrap_or_else(|| panic!("{name} is an eFI deficit"));
            let mut codes: Vec<&'static str> = list
                .by_code
                .iter()
                .filter(|(_, bits)| *bits & (1 << bit) != 0)
                .map(|(code, _)| &*Box::leak(code.clone().into_boxed_str()))
                .collect();
            codes.sort_unstable();
            (*name, codes, *chance)
        })
        .collect()
}

/// Regular medicines as dm+d codes (one per medicine; see `data/reference/codes.csv` for each
/// code's source).
pub const MEDICINES: [&str; 24] = [
    "42109611000001109", // Paracetamol 500mg tablets
    "319283006",         // Amlodipine 5mg tablets
    "39733011000001106", // Atorvastatin 20mg tablets
    "42382311000001100", // Simvastatin 40mg tablets
    "42084911000001109", // Metformin 500mg tablets
    "318901006",         // Ramipril 2.5mg capsules
    "318858008",         // Lisinopril 5mg tablets
    "318605000",         // Bisoprolol 2.5mg tablets
    "42356411000001102", // Omeprazole 20mg gastro-resistant capsules
    "42354611000001108", // Lansoprazole 30mg gastro-resistant capsules
    "374295007",         // Levothyroxine sodium 50microgram tablets
    "319773006",         // Aspirin 75mg dispersible tablets
    "317972000",         // Furosemide 40mg tablets
    "703908001",         // Apixaban 5mg tablets
    "39113611000001102", // Salbutamol 100micrograms/dose inhaler CFC free
    "321959007",         // Sertraline 50mg tablets
    "321987003",         // Citalopram 20mg tablets
    "39731311000001108", // Alendronic acid 70mg tablets
    "42035611000001109", // Donepezil 5mg tablets
    "42129711000001109", // Gabapentin 300mg capsules
    "42010411000001105", // Codeine 30mg tablets
    "42009811000001101", // Co-codamol 30mg/500mg tablets
    "321745007",         // Amitriptyline 10mg tablets
    "318902004",         // Ramipril 5mg capsules
];

/// SNOMED CT: seen in GP's surgery.
pub const SURGERY_CONSULTATION: &str = "185202000";
/// SNOMED CT: telephone consultation.
pub const TELEPHONE_CONSULTATION: &str = "386472008";
