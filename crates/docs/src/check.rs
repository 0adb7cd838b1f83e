//! What must hold before a document may be issued (domain.md: two officers with their
//! certificates, an addressee, an order with deadlines, a review citing an order).
//! Drafts may be previewed incomplete; issuing checks all of this.

use crate::snapshot::{DeadlineGroup, Officer, Signature, Snapshot, UnitSigner};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("执法人员不足两名：执法文书须由两名以上执法人员出具")]
    TooFewOfficers,
    #[error("执法人员「{0}」没有执法证号")]
    MissingCertificate(String),
    #[error("执法人员「{0}」重复")]
    DuplicateOfficer(String),
    #[error("每名执法人员须有一个签名栏")]
    SignatureCount,
    #[error("缺少{0}")]
    Missing(&'static str),
    #[error("整改指令书至少要有一项问题")]
    NoItems,
    #[error("第{0}项问题没有整改期限")]
    ItemWithoutDeadline(u32),
    #[error("整改期限引用了不存在的第{0}项")]
    NoSuchItem(u32),
    #[error("第{0}项出现在两个整改期限中")]
    ItemInTwoGroups(u32),
    #[error("整改期限{0}早于文书日期")]
    DeadlineBeforeDate(String),
    #[error("复查意见书须引用已签发的整改指令书文号")]
    NoCitedOrder,
    #[error("复查意见书至少要有一项复查意见")]
    NoOpinions,
    #[error("结束时间早于开始时间")]
    EndsBeforeStart,
    #[error("字体中没有字符「{0}」，请改用规范汉字")]
    MissingGlyph(char),
}

/// Checks a snapshot for issue. The citation of an *issued* order is the store's to check
/// (it knows which are issued); here only that one is cited.
pub fn check_for_issue(snapshot: &Snapshot) -> Result<(), IssueError> {
    check_officers(snapshot.officers())?;
    match snapshot {
        Snapshot::Record(s) => {
            require(&s.unit, "被检查单位")?;
            require(&s.address, "地址")?;
            require(&s.place, "检查场所")?;
            require(&s.findings, "检查情况")?;
            check_unit(&s.unit_signer)?;
            check_signatures(&s.officers, &s.officer_signatures)?;
            if s.ended_at < s.started_at {
                return Err(IssueError::EndsBeforeStart);
            }
        }
        Snapshot::Order(s) => {
            require(&s.addressee, "被检查单位")?;
            if s.items.iter().all(|i| i.trim().is_empty()) {
                return Err(IssueError::NoItems);
            }
            check_groups(s.items.len(), &s.deadline_groups, s.date)?;
            require(&s.remedy.review_body, "行政复议机关")?;
            require(&s.remedy.court, "人民法院")?;
            check_unit(&s.unit_signer)?;
            check_signatures(&s.officers, &s.officer_signatures)?;
        }
        Snapshot::Review(s) => {
            require(&s.addressee, "被复查单位")?;
            if s.cited.number.trim().is_empty() {
                return Err(IssueError::NoCitedOrder);
            }
            if s.opinions.is_empty() {
                return Err(IssueError::NoOpinions);
            }
            check_unit(&s.unit_signer)?;
            check_signatures(&s.officers, &s.officer_signatures)?;
        }
    }
    Ok(())
}

fn require(value: &str, what: &'static str) -> Result<(), IssueError> {
    if value.trim().is_empty() { Err(IssueError::Missing(what)) } else { Ok(()) }
}

fn check_officers(officers: &[Officer]) -> Result<(), IssueError> {
    if officers.len() < 2 {
        return Err(IssueError::TooFewOfficers);
    }
    for (i, o) in officers.iter().enumerate() {
        require(&o.name, "执法人员姓名")?;
        if o.certificate.trim().is_empty() {
            return Err(IssueError::MissingCertificate(o.name.clone()));
        }
        if officers[..i].iter().any(|p| p.certificate.trim() == o.certificate.trim()) {
            return Err(IssueError::DuplicateOfficer(o.name.clone()));
        }
    }
    Ok(())
}

fn check_signatures(officers: &[Officer], signatures: &[Signature]) -> Result<(), IssueError> {
    if officers.len() != signatures.len() { Err(IssueError::SignatureCount) } else { Ok(()) }
}

fn check_unit(unit: &UnitSigner) -> Result<(), IssueError> {
    // A refusal is recorded, so the name may be unknown; otherwise who signs is named.
    if matches!(unit.signature, Signature::Refused) { Ok(()) } else { require(&unit.name, "被检查单位负责人") }
}

fn check_groups(items: usize, groups: &[DeadlineGroup], date: crate::snapshot::Date) -> Result<(), IssueError> {
    let mut seen = vec![false; items];
    for g in groups {
        if g.deadline < date {
            return Err(IssueError::DeadlineBeforeDate(g.deadline.chinese()));
        }
        for &n in &g.items {
            let slot = seen.get_mut((n as usize).wrapping_sub(1)).ok_or(IssueError::NoSuchItem(n))?;
            if *slot {
                return Err(IssueError::ItemInTwoGroups(n));
            }
            *slot = true;
        }
    }
    match seen.iter().position(|s| !s) {
        Some(i) => Err(IssueError::ItemWithoutDeadline(i as u32 + 1)),
        None => Ok(()),
    }
}
