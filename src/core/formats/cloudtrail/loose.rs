//! CloudTrail's free-form fields, read for the few keys Posture uses without ever failing a file.

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

use crate::core::json::{MaybeStr, Str};

/// A value read loosely, never failing a file: `requestParameters` and `responseElements` are
/// free-form per API (objects, null, sometimes other values) and read for the two keys used;
/// `readOnly` is a boolean in log files, the string `"true"` in some exports.
#[derive(Default)]
pub(super) struct Loose<'a> {
    pub flag: bool,
    pub role_arn: Option<Str<'a>>,
    pub console_login: Option<Str<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LooseVisitor;
        impl<'de> Visitor<'de> for LooseVisitor {
            type Value = Loose<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut loose = Loose::default();
                while let Some(key) = map.next_key::<Str>()? {
                    match key.as_str() {
                        "roleArn" => loose.role_arn = map.next_value::<MaybeStr>()?.0,
                        "ConsoleLogin" => loose.console_login = map.next_value::<MaybeStr>()?.0,
                        _ => drop(map.next_value::<IgnoredAny>()?),
                    }
                }
                Ok(loose)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::default())
            }
            fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Self::Value, E> {
                Ok(Loose {
                    flag,
                    ..Loose::default()
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                self.visit_bool(v.eq_ignore_ascii_case("true"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Loose::default())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_f64(v as f64)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose::default())
            }
        }
        deserializer.deserialize_any(LooseVisitor)
    }
}
