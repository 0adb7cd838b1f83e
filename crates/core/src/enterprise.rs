//! 生产经营单位: the supervised enterprise and the checks on its profile.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::credit_code::{self, Verdict};
use crate::hlc::Hlc;
use crate::id::Id;
use crate::validate::{self, FieldError, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "EnterpriseStatus")]
pub enum Status {
    #[default]
    Operating,
    Suspended,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Operating => "operating",
            Status::Suspended => "suspended",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Status::Operating, Status::Suspended, Status::Closed].into_iter().find(|v| v.as_str() == s)
    }
}

/// The enterprise field only the bureau sets (its class, 分类分级): a device carries it as
/// it last held it, never a value of its own.
pub const CLASS_FIELD: &str = "supervisionClass";

/// Whether a device may write `after` as an enterprise's class held as `before`: only
/// unchanged, except on a demo enterprise (which never leaves the device).
pub fn check_class_change(
    before: Option<SupervisionClass>,
    after: Option<SupervisionClass>,
    is_demo: bool,
) -> Result<(), FieldError> {
    if is_demo || before == after { Ok(()) } else { Err(FieldError::new(CLASS_FIELD, Rule::BureauOnly)) }
}

/// 分级分类监管: A is the closest supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum SupervisionClass {
    A,
    B,
    C,
    D,
}

impl SupervisionClass {
    pub fn as_str(self) -> &'static str {
        match self {
            SupervisionClass::A => "A",
            SupervisionClass::B => "B",
            SupervisionClass::C => "C",
            SupervisionClass::D => "D",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::A, Self::B, Self::C, Self::D].into_iter().find(|v| v.as_str() == s)
    }
}

/// What a form or an import supplies; unchecked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EnterpriseInput {
    pub name: String,
    pub credit_code: String,
    pub credit_code_confirmed: bool,
    pub address: String,
    pub division_code: String,
    pub sectors: Vec<String>,
    pub legal_representative: String,
    pub safety_contact: String,
    pub contact_phone: String,
    pub supervision_class: Option<SupervisionClass>,
    pub status: Status,
}

/// The checked profile fields of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub credit_code: String,
    /// The inspector confirmed a code whose check character does not match.
    pub credit_code_confirmed: bool,
    pub address: String,
    pub division_code: String,
    pub sectors: Vec<String>,
    pub legal_representative: Option<String>,
    pub safety_contact: Option<String>,
    pub contact_phone: Option<String>,
    pub supervision_class: Option<SupervisionClass>,
    pub status: Status,
}

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;
pub const PERSON_MAX: usize = 40;

impl EnterpriseInput {
    /// Checks every field that needs no reference data; division and sector codes are
    /// checked against the store's lists by the caller.
    pub fn check(&self) -> Result<Profile, FieldError> {
        let name = validate::required_text("name", &self.name, NAME_MAX)?;
        let code = validate::required_text("creditCode", &self.credit_code, 40)?;
        let (credit_code, credit_code_confirmed) = match credit_code::check(&code) {
            Verdict::Ok { normalized } => (normalized, false),
            Verdict::Warning { normalized, problem } => {
                if !self.credit_code_confirmed {
                    return Err(FieldError::new("creditCode", Rule::CreditCodeUnconfirmed { problem }));
                }
                (normalized, true)
            }
            Verdict::Invalid { problem } => {
                return Err(FieldError::new("creditCode", Rule::CreditCode { problem }));
            }
        };
        let address = validate::required_text("address", &self.address, ADDRESS_MAX)?;
        let division_code = validate::required_text("divisionCode", &self.division_code, 12)?;
        let mut sectors: Vec<String> = Vec::new();
        for s in &self.sectors {
            let s = validate::required_text("sectors", s, 20)?;
            if !sectors.contains(&s) {
                sectors.push(s);
            }
        }
        if sectors.is_empty() {
            return Err(FieldError::new("sectors", Rule::SectorRequired));
        }
        Ok(Profile {
            name,
            credit_code,
            credit_code_confirmed,
            address,
            division_code,
            sectors,
            legal_representative: validate::text("legalRepresentative", &self.legal_representative, PERSON_MAX)?,
            safety_contact: validate::text("safetyContact", &self.safety_contact, PERSON_MAX)?,
            contact_phone: validate::phone("contactPhone", &self.contact_phone)?,
            supervision_class: self.supervision_class,
            status: self.status,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Enterprise {
    pub id: Id,
    #[serde(flatten)]
    pub profile: Profile,
    /// Part of the clearly marked demo set, not the bureau's own list.
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub rev: Hlc,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EnterpriseInput {
        EnterpriseInput {
            name: " 北京门头沟斋堂石材有限公司 ".into(),
            credit_code: "914403001922038216".into(),
            address: "北京市门头沟区斋堂镇".into(),
            division_code: "110109105".into(),
            sectors: vec!["mine".into(), "mine".into()],
            contact_phone: "13912345678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_input_is_trimmed_and_deduplicated() {
        let p = input().check().unwrap();
        assert_eq!(p.name, "北京门头沟斋堂石材有限公司");
        assert_eq!(p.sectors, vec!["mine".to_owned()]);
        assert_eq!(p.legal_representative, None);
    }

    /// A change that spoils one field, and the field named in the error.
    type Spoil = (fn(&mut EnterpriseInput), &'static str);

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<Spoil> = vec![
            (|i| i.name.clear(), "name"),
            (|i| i.credit_code = "123".into(), "creditCode"),
            (|i| i.credit_code = "914403001922038217".into(), "creditCode"),
            (|i| i.address = "x".repeat(201), "address"),
            (|i| i.division_code.clear(), "divisionCode"),
            (|i| i.sectors.clear(), "sectors"),
            (|i| i.contact_phone = "12345".into(), "contactPhone"),
            (|i| i.safety_contact = "张\u{7}".into(), "safetyContact"),
        ];
        for (change, field) in cases {
            let mut i = input();
            change(&mut i);
            assert_eq!(i.check().unwrap_err().field, field);
        }
    }

    #[test]
    fn a_confirmed_check_mismatch_is_kept_and_flagged() {
        let mut i = input();
        i.credit_code = "914403001922038217".into();
        assert!(matches!(i.check().unwrap_err().rule, Rule::CreditCodeUnconfirmed { .. }));
        i.credit_code_confirmed = true;
        assert!(i.check().unwrap().credit_code_confirmed);
    }
}
