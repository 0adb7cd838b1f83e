//! Field checks shared by every record kind: what is wrong, named by field, so the
//! edges can show a Chinese message beside the right input.

use serde::Serialize;

use crate::credit_code::Problem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "rule", rename_all = "camelCase")]
pub enum Rule {
    Required,
    TooLong {
        max: usize,
    },
    /// Control characters or other text no form should produce.
    InvalidText,
    Phone,
    CertNo,
    CreditCode {
        problem: Problem,
    },
    /// A check-character mismatch the inspector has not confirmed.
    CreditCodeUnconfirmed {
        problem: Problem,
    },
    /// A number outside its allowed range.
    Range {
        min: u32,
        max: u32,
    },
    UnknownDivision,
    UnknownSector,
    SectorRequired,
    /// A document number prefix with characters a number cannot carry.
    DocumentPrefix,
    /// A 行政复议 body other than the government at the bureau's level.
    ReviewBody,
    /// A court named otherwise than as a court (…法院).
    Court,
    /// A field only the bureau sets (an enterprise's 监管分类).
    BureauOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{field}: {rule:?}")]
pub struct FieldError {
    pub field: &'static str,
    pub rule: Rule,
}

impl FieldError {
    pub fn new(field: &'static str, rule: Rule) -> Self {
        Self { field, rule }
    }

    /// What the inspector (or the bureau's staff) reads beside the field.
    pub fn message(&self) -> String {
        let l = label(self.field);
        match &self.rule {
            Rule::Required => format!("请填写{l}"),
            Rule::TooLong { max } => format!("{l}不能超过{max}个字"),
            Rule::InvalidText => format!("{l}含有无法识别的字符"),
            Rule::Phone => "联系电话格式不正确：请填写11位手机号或带区号的固定电话，如 010-69841234".to_owned(),
            Rule::CertNo => "执法证号格式不正确：应由数字和字母组成".to_owned(),
            Rule::CreditCode { problem } | Rule::CreditCodeUnconfirmed { problem } => problem.message(),
            Rule::Range { min, max } => format!("{l}应在{min}到{max}之间"),
            Rule::UnknownDivision => "请选择所属镇街".to_owned(),
            Rule::UnknownSector => "行业领域不在列表中".to_owned(),
            Rule::SectorRequired => "请至少选择一个行业领域".to_owned(),
            Rule::BureauOnly => format!("{l}由区局在控制台设定，本机不能修改"),
            Rule::ReviewBody => "行政复议机关应为本级人民政府（区应急管理局的决定向区人民政府申请行政复议）".to_owned(),
            Rule::Court => "人民法院应填写法院全称，如 北京市门头沟区人民法院".to_owned(),
            Rule::DocumentPrefix => "文号前缀不能含有〔〕、“第”、“号”、空格或 / \\ : * ? \" < > | . 等符号".to_owned(),
        }
    }
}

/// A field's name as the forms show it.
pub fn label(field: &str) -> &'static str {
    match field {
        "name" => "名称",
        "creditCode" => "统一社会信用代码",
        "address" => "地址",
        "divisionCode" => "所属镇街",
        "sectors" => "行业领域",
        "legalRepresentative" => "法定代表人（负责人）",
        "safetyContact" => "安全负责人",
        "contactPhone" => "联系电话",
        "certNo" => "执法证号",
        "unit" => "所属单位",
        "description" => "隐患描述",
        "note" | "notes" => "说明",
        "deducted" => "扣分",
        "accompanyingPerson" => "陪同人员",
        "bureau" => "执法机关名称",
        "prefix" => "文号前缀",
        "reviewBody" => "行政复议机关",
        "court" => "人民法院",
        "reason" => "原因",
        "creditCodeConfirmed" => "信用代码已核实",
        "supervisionClass" => "监管分类",
        "status" => "经营状态",
        "supervisor" => "督办单位（人）",
        "due" => "督办期限",
        _ => "该项",
    }
}

/// Trims a one-line text field and checks it against its limit. Empty is `None`.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, value, max, false)
}

/// Like `text`, for notes and descriptions: line breaks and tabs are kept.
pub fn multiline_text(field: &'static str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, value, max, true)
}

fn checked(field: &'static str, value: &str, max: usize, multiline: bool) -> Result<Option<String>, FieldError> {
    let v = value.trim();
    if v.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(FieldError::new(field, Rule::InvalidText));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, Rule::TooLong { max }));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    text(field, value, max)?.ok_or(FieldError::new(field, Rule::Required))
}

pub fn required_multiline(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    multiline_text(field, value, max)?.ok_or(FieldError::new(field, Rule::Required))
}

/// A mainland mobile number or a landline with optional area code and extension.
pub fn phone(field: &'static str, value: &str) -> Result<Option<String>, FieldError> {
    let Some(v) = text(field, value, 24)? else { return Ok(None) };
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mobile = v.len() == 11 && digits_only(&v) && v.starts_with('1') && v.as_bytes()[1] >= b'3';
    let landline = {
        let parts: Vec<&str> = v.split('-').collect();
        match parts.as_slice() {
            [n] => digits_only(n) && (7..=8).contains(&n.len()),
            [area, n] => {
                area.starts_with('0')
                    && digits_only(area)
                    && (3..=4).contains(&area.len())
                    && digits_only(n)
                    && (7..=8).contains(&n.len())
            }
            [area, n, ext] => {
                area.starts_with('0')
                    && digits_only(area)
                    && (3..=4).contains(&area.len())
                    && digits_only(n)
                    && (7..=8).contains(&n.len())
                    && digits_only(ext)
                    && ext.len() <= 6
            }
            _ => false,
        }
    };
    if mobile || landline { Ok(Some(v)) } else { Err(FieldError::new(field, Rule::Phone)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in ["13912345678", "010-69841234", "010-69841234-123", "69841234", " 18600001111 "] {
            assert!(phone("p", ok).is_ok(), "{ok}");
        }
        for bad in ["1391234567", "12912345678", "010-123", "abc", "010-69841234-1234567", "0-69841234"] {
            assert_eq!(phone("p", bad), Err(FieldError::new("p", Rule::Phone)), "{bad}");
        }
        assert_eq!(phone("p", "  "), Ok(None));
    }

    #[test]
    fn texts() {
        assert_eq!(required_text("n", "  ", 5), Err(FieldError::new("n", Rule::Required)));
        assert_eq!(required_text("n", "门头沟区安监", 5), Err(FieldError::new("n", Rule::TooLong { max: 5 })));
        assert_eq!(required_text("n", "a\u{0}b", 5), Err(FieldError::new("n", Rule::InvalidText)));
        assert_eq!(required_text("n", " 斋堂 ", 5), Ok("斋堂".to_owned()));
        assert_eq!(text("n", "一\n二", 5), Err(FieldError::new("n", Rule::InvalidText)));
        assert_eq!(
            multiline_text("n", "一、灭火器过期；\r\n二、\t通道堵塞", 50),
            Ok(Some("一、灭火器过期；\r\n二、\t通道堵塞".to_owned()))
        );
        assert_eq!(multiline_text("n", "a\u{1b}b", 50), Err(FieldError::new("n", Rule::InvalidText)));
    }
}
