//! Merging a shared record edited on several devices: field by field, the write with
//! the later hybrid logical clock wins, and a concurrent value it replaced is kept so
//! the bureau can see what was overwritten. Each value remembers the clock of the value
//! its writer replaced (`base`): a write made after seeing the other is an ordinary
//! edit, not an overwrite. The same inputs merge to the same values on every device,
//! whatever order the changes arrive in.

use std::collections::BTreeMap;

use crate::hlc::Hlc;

/// One field's value, the clock of the write that set it, and the clock of the value
/// that write replaced on its device (`Hlc::ZERO` for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<V> {
    pub value: V,
    pub rev: Hlc,
    pub base: Hlc,
}

/// A value that lost the merge: `kept` is in force, `overwritten` is kept for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwrite<V> {
    pub field: String,
    pub kept: Versioned<V>,
    pub overwritten: Versioned<V>,
}

/// The merged fields and what was overwritten. A field only one side has is taken as
/// it is; equal values, and a value the winner's writer had seen, never count as an
/// overwrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged<V> {
    pub fields: BTreeMap<String, Versioned<V>>,
    pub overwrites: Vec<Overwrite<V>>,
}

pub fn merge_fields<V: Clone + PartialEq>(
    local: &BTreeMap<String, Versioned<V>>,
    remote: &BTreeMap<String, Versioned<V>>,
) -> Merged<V> {
    let mut fields = local.clone();
    let mut overwrites = Vec::new();
    for (name, theirs) in remote {
        match fields.get(name) {
            None => {
                fields.insert(name.clone(), theirs.clone());
            }
            Some(ours) if ours.rev == theirs.rev => {}
            Some(ours) => {
                let (kept, lost) = if theirs.rev > ours.rev { (theirs, ours) } else { (ours, theirs) };
                if kept.value != lost.value && lost.rev > kept.base {
                    overwrites.push(Overwrite { field: name.clone(), kept: kept.clone(), overwritten: lost.clone() });
                }
                let kept = kept.clone();
                fields.insert(name.clone(), kept);
            }
        }
    }
    Merged { fields, overwrites }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hlc(wall_ms: u64, counter: u32, node: u32) -> Hlc {
        Hlc { wall_ms, counter, node }
    }

    fn side() -> impl Strategy<Value = BTreeMap<String, Versioned<u8>>> {
        prop::collection::btree_map(
            prop::sample::select(vec!["name", "address", "phone", "status"]).prop_map(str::to_owned),
            (0u8..4, 0u64..5, 0u32..3, 0u32..3, 0u64..5).prop_map(|(value, wall, counter, node, base)| Versioned {
                value,
                rev: hlc(wall, counter, node),
                base: hlc(base.min(wall), 0, 9),
            }),
            0..4,
        )
    }

    /// Two writes never share a clock (nodes differ per device, ticks per write): a
    /// shared rev means the same write, so the same value and base.
    fn consistent(sides: &[&BTreeMap<String, Versioned<u8>>]) -> bool {
        let mut seen: BTreeMap<(String, Hlc), (u8, Hlc)> = BTreeMap::new();
        sides
            .iter()
            .flat_map(|s| s.iter())
            .all(|(k, v)| *seen.entry((k.clone(), v.rev)).or_insert((v.value, v.base)) == (v.value, v.base))
    }

    proptest! {
        #[test]
        fn order_does_not_matter(a in side(), b in side(), c in side()) {
            prop_assume!(consistent(&[&a, &b, &c]));
            let ab_c = merge_fields(&merge_fields(&a, &b).fields, &c).fields;
            let c_ba = merge_fields(&merge_fields(&c, &b).fields, &a).fields;
            prop_assert_eq!(&ab_c, &c_ba);
            // Applying a change again changes nothing.
            prop_assert_eq!(merge_fields(&ab_c, &b).fields, ab_c);
        }

        #[test]
        fn the_later_write_wins_and_the_loser_is_kept(a in side(), b in side()) {
            prop_assume!(consistent(&[&a, &b]));
            let m = merge_fields(&a, &b);
            for (k, v) in &m.fields {
                let best = [a.get(k), b.get(k)].into_iter().flatten().map(|x| x.rev).max();
                prop_assert_eq!(Some(v.rev), best);
            }
            for (k, ours) in &a {
                if let Some(theirs) = b.get(k) {
                    let (kept, lost) = if theirs.rev > ours.rev { (theirs, ours) } else { (ours, theirs) };
                    let overwritten = kept.rev != lost.rev && kept.value != lost.value && lost.rev > kept.base;
                    prop_assert_eq!(m.overwrites.iter().any(|o| &o.field == k), overwritten);
                }
            }
        }
    }

    #[test]
    fn two_inspectors_change_the_address() {
        let created = hlc(5, 0, 1);
        let write =
            |v: &str, rev, base| BTreeMap::from([("address".to_owned(), Versioned { value: v.to_owned(), rev, base })]);
        // Both changed the address they had from the first write: concurrent.
        let a = write("斋堂镇1号", hlc(10, 0, 1), created);
        let b = write("斋堂镇2号", hlc(11, 0, 2), created);
        let m = merge_fields(&a, &b);
        assert_eq!(m.fields["address"].value, "斋堂镇2号");
        assert_eq!(m.overwrites.len(), 1);
        assert_eq!(m.overwrites[0].overwritten.value, "斋堂镇1号");
        // B changed it after seeing A's: an ordinary edit.
        let b_after = write("斋堂镇3号", hlc(12, 0, 2), hlc(10, 0, 1));
        let m = merge_fields(&a, &b_after);
        assert_eq!(m.fields["address"].value, "斋堂镇3号");
        assert!(m.overwrites.is_empty());
    }
}
