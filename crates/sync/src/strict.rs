//! JSON read as the OpenAPI document describes it: a struct only from an object.
//!
//! serde's derived structs also accept a JSON array of their fields in order, and
//! serde_json offers them one (`[[]]` reads as `{"hashes": []}`), so a body or a payload
//! the contract calls invalid would be accepted. This wrapper hands every struct, at any
//! depth, an object or an error; everything else reads as serde_json reads it.

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;

/// Reads `T` from JSON text, structs only from objects.
pub fn from_str<'a, T: de::Deserialize<'a>>(json: &'a str) -> Result<T, serde_json::Error> {
    let mut d = serde_json::Deserializer::from_str(json);
    let value = T::deserialize(Strict(&mut d))?;
    d.end()?;
    Ok(value)
}

/// Reads `T` from JSON bytes, structs only from objects.
pub fn from_slice<'a, T: de::Deserialize<'a>>(json: &'a [u8]) -> Result<T, serde_json::Error> {
    let mut d = serde_json::Deserializer::from_slice(json);
    let value = T::deserialize(Strict(&mut d))?;
    d.end()?;
    Ok(value)
}

/// Any deserializer, with structs read only from maps.
#[derive(Debug)]
pub struct Strict<D>(pub D);

/// A visitor whose nested values are read through [`Strict`] too.
struct Wrap<V>(V);

/// A seed whose value is read through [`Strict`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(d))
    }
}

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    /// The one difference: a struct is read as a map, so an array is refused.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64) visit_i128(i128)
        visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64) visit_u128(u128)
        visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str) visit_borrowed_str(&'de str)
        visit_string(String) visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Strict(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(d))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Wrap(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Wrap(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Wrap(data))
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Wrap<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Wrap<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Wrap<A> {
    type Error = A::Error;
    type Variant = Wrap<A::Variant>;
    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Wrap(variant)))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Wrap<A> {
    type Error = A::Error;
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }
    /// A struct variant's fields are read as a map: `{"V": [1, 2]}` is refused too.
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(StructSeed(visitor))
    }
}

/// A struct variant's body, read as a map.
struct StructSeed<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructSeed<V> {
    type Value = V::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        d.deserialize_map(Wrap(self.0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::protocol::{MissingRequest, PushBatch};
    use serde::Deserialize;

    #[test]
    fn structs_only_from_objects_at_any_depth() {
        let missing = from_str::<MissingRequest>(r#"{"hashes": []}"#).unwrap();
        assert!(missing.hashes.is_empty());
        // serde_json alone accepts these; the contract does not.
        assert!(serde_json::from_str::<MissingRequest>("[[]]").is_ok());
        for refused in ["[[]]", "[]", r#"{"hashes": []} x"#] {
            assert!(from_str::<MissingRequest>(refused).is_err(), "{refused}");
        }
        let change = r#"{"changeId":"d:1","recordType":"enterprise","recordId":"e","op":"put","rev":"r","payload":{"a":[1,{"b":null}]}}"#;
        let batch = from_str::<PushBatch>(&format!(r#"{{"batchId":"b","changes":[{change}]}}"#)).unwrap();
        // The raw payload keeps its text exactly.
        assert_eq!(batch.changes[0].payload.get(), r#"{"a":[1,{"b":null}]}"#);
        let nested = r#"{"batchId":"b","changes":[["d:1","enterprise","e","put","r",{}]]}"#;
        assert!(serde_json::from_str::<PushBatch>(nested).is_ok());
        assert!(from_str::<PushBatch>(nested).is_err());
    }

    #[test]
    fn everything_else_reads_as_serde_json_reads_it() {
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(rename_all = "camelCase")]
        enum Kind {
            Unit,
            Pair(u8, u8),
            Named { n: u8 },
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct All {
            o: Option<Box<All>>,
            t: (u8, String),
            k: Vec<Kind>,
            m: std::collections::BTreeMap<String, f64>,
        }
        let json = r#"{"o":{"o":null,"t":[1,"x"],"k":[],"m":{}},"t":[2,"y"],"k":["unit",{"pair":[1,2]},{"named":{"n":3}}],"m":{"a":1.5}}"#;
        assert_eq!(from_str::<All>(json).unwrap(), serde_json::from_str::<All>(json).unwrap());
        assert!(from_str::<Kind>(r#"{"named":[3]}"#).is_err());
        assert!(serde_json::from_str::<Kind>(r#"{"named":[3]}"#).is_ok());
    }
}
