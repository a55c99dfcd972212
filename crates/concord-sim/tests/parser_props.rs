//! The model reader never panics: on any text, and on a good model with any part replaced, it
//! either reads a model or refuses with a message (located when the text has a place).

use concord_sim::Model;
use proptest::prelude::*;

const GOOD: &str = r#"[run]
length = 100
replications = 2

[[source]]
name = "referrals"
to = "clinic"
arrivals = { dist = "poisson", rate = 2.0 }

[[node]]
name = "clinic"
servers = 3
capacity = 10
service = { dist = "lognormal", mean = 1.0, sd = 0.5 }
routes = [ { to = "clinic", p = 0.1 } ]
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_is_read_or_refused(text in "\\PC{0,400}") {
        let _ = Model::from_toml(&text);
    }

    #[test]
    fn a_good_model_with_one_part_replaced_is_read_or_refused_with_a_place(
        start in 0usize..GOOD.len(),
        len in 0usize..12,
        replacement in "[-0-9a-z.=\\[\\]{}\" ,\\n]{0,8}",
    ) {
        let mut text = GOOD.to_string();
        let start = (0..=start).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + len).min(text.len());
        text.replace_range(start..end, &replacement);
        match Model::from_toml(&text) {
            Ok(model) => prop_assert!(!model.nodes.is_empty()),
            Err(err) => prop_assert!(!err.message.is_empty()),
        }
    }
}
