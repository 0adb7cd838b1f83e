//! What goes out: outbox rows become the changes to push, and the server's answer
//! acknowledges them.

use std::collections::{BTreeMap, HashSet};

use anjian_core::hlc::Hlc;
use anjian_sync::device::Outgoing;
use anjian_sync::protocol::{Change, ChangeResult, Outcome};
use anjian_sync::records::{self, Image};

use crate::error::Result;
use crate::{Store, Writer};

use super::images::{attachment_image, image_of};

impl Store {
    /// The next images to push: outbox rows in order, several writes to one record
    /// sent as one image of the record as it is now, the attachments they refer to first.
    pub fn sync_outgoing(&self, device: &str, limit: usize) -> Result<Outgoing> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT seq, record_type, record_id FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT 1000")?;
        let mut order: Vec<(&'static str, String)> = Vec::new();
        let mut last_seq: BTreeMap<(&'static str, String), i64> = BTreeMap::new();
        let mut up_to = 0i64;
        let mut after = 0i64;
        'rows: loop {
            let rows: Vec<(i64, String, String)> =
                stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            if rows.is_empty() {
                break;
            }
            for (seq, kind, id) in rows {
                after = seq;
                let key = match kind.as_str() {
                    "enterprise" => Some((records::ENTERPRISE, id)),
                    "inspector" => Some((records::INSPECTOR, id)),
                    "inspection" => Some((records::INSPECTION, id)),
                    "answer" => Some((records::INSPECTION, id.split('/').next().unwrap_or_default().to_owned())),
                    "hazard" => Some((records::HAZARD, id)),
                    "document" => Some((records::DOCUMENT, id)),
                    // Attachments travel with the records that refer to them.
                    _ => None,
                };
                if let Some(key) = key {
                    if !last_seq.contains_key(&key) {
                        if order.len() == limit {
                            break 'rows;
                        }
                        order.push(key.clone());
                    }
                    last_seq.insert(key, seq);
                }
                up_to = seq;
            }
        }
        let mut attachments: Vec<String> = Vec::new();
        let mut changes_of_records = Vec::new();
        for key in &order {
            let (kind, id) = key;
            let Some((image, shas)) = image_of(&conn, kind, id)? else { continue };
            for sha in shas {
                if !attachments.contains(&sha) {
                    attachments.push(sha);
                }
            }
            let seq = last_seq[key];
            changes_of_records.push((seq, image));
        }
        // Attachments first, each under the outbox position of the batch's last row
        // (made unique by its hash below): a record may refer to one added after it.
        let mut changes = Vec::new();
        for sha in &attachments {
            if let Some(a) = attachment_image(&conn, sha)? {
                changes.push(change(device, up_to, &Image::Attachment(a)));
            }
        }
        for (seq, image) in changes_of_records {
            changes.push(change(device, seq, &image));
        }
        // One change id per image: an attachment shares the batch's last position.
        let mut seen = HashSet::new();
        for c in &mut changes {
            if !seen.insert(c.change_id.clone()) {
                c.change_id = format!("{}:{}", c.change_id, &c.record_id[..12.min(c.record_id.len())]);
            }
        }
        Ok(Outgoing { changes, up_to: u64::try_from(up_to).unwrap_or(0), attachments })
    }
}

impl Writer<'_> {
    /// The server's answer to a push: outbox rows up to `up_to` are done; refused
    /// changes, and stored ones the server found a problem with, are kept as problems
    /// with the server's reason.
    pub fn sync_acknowledge(&mut self, up_to: u64, results: &[ChangeResult], pushed: &[Change]) -> Result<()> {
        for r in results {
            let accepted = match (r.outcome, r.reason.as_deref()) {
                (Outcome::Refused, _) => false,
                // Stored, with something for the inspector to sort out.
                (_, Some(_)) => true,
                _ => continue,
            };
            let (kind, id) = pushed
                .iter()
                .find(|c| c.change_id == r.change_id)
                .map(|c| (c.record_type.as_str(), c.record_id.as_str()))
                .unwrap_or(("", ""));
            let reason = r.reason.as_deref().unwrap_or("区局服务器拒绝了这条记录");
            self.run(
                "INSERT INTO sync_problem (change_id, direction, record_type, record_id, reason, at, accepted)
                 VALUES (?1, 'push', ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (change_id) DO UPDATE SET reason = excluded.reason, at = excluded.at, accepted = excluded.accepted",
                (&r.change_id, kind, id, reason, self.now.to_rfc3339(), accepted),
            )?;
        }
        self.run("DELETE FROM outbox WHERE seq <= ?1", [i64::try_from(up_to).unwrap_or(i64::MAX)])?;
        Ok(())
    }
}

fn change(device: &str, seq: i64, image: &Image) -> Change {
    // The write's clock; facts that never change (inspectors, attachments…) have none.
    let rev = match image {
        Image::Enterprise(e) => e.fields.values().map(|f| f.rev.clone()).max().unwrap_or_default(),
        Image::Inspection(i) => i.rev.clone(),
        Image::Hazard(h) => h.rev.clone(),
        Image::Document(d) => d.rev.clone(),
        _ => String::new(),
    };
    Change {
        change_id: format!("{device}:{seq}"),
        record_type: image.record_type().to_owned(),
        record_id: image.record_id(),
        op: records::OP_PUT.to_owned(),
        rev: if rev.is_empty() { Hlc::ZERO.to_string() } else { rev },
        payload: image.payload(),
    }
}
