//! 执法人员: an officer with a law-enforcement certificate.

use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::validate::{self, FieldError, Rule};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct InspectorInput {
    pub name: String,
    pub cert_no: String,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Inspector {
    pub id: Id,
    pub name: String,
    /// 执法证号 as printed on the certificate.
    pub cert_no: String,
    pub unit: Option<String>,
}

impl InspectorInput {
    pub fn check(&self) -> Result<(String, String, Option<String>), FieldError> {
        let name = validate::required_text("name", &self.name, 40)?;
        let cert_no = validate::required_text("certNo", &self.cert_no, 32)?;
        // Certificate numbers are letters and digits, sometimes grouped with '-'.
        let ok = cert_no.chars().any(|c| c.is_ascii_digit())
            && cert_no.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return Err(FieldError::new("certNo", Rule::CertNo));
        }
        let unit = validate::text("unit", &self.unit, 60)?;
        Ok((name, cert_no.to_uppercase(), unit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_numbers() {
        let mut i = InspectorInput { name: "王磊".into(), cert_no: "11010923001".into(), unit: String::new() };
        assert!(i.check().is_ok());
        for bad in ["", "证号", "AB CD 12", "——12"] {
            i.cert_no = bad.into();
            assert_eq!(i.check().unwrap_err().field, "certNo", "{bad}");
        }
    }
}
