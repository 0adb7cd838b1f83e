//! The error that crosses to the UI: a stable code, a Chinese message and the field
//! it belongs to. The UI keys its own text on `code`; `message` is the fallback.

use anjian_core::credit_code::Problem;
use anjian_core::validate::{FieldError, Rule};
use anjian_store::{FinishError, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{code}: {message}")]
#[ts(rename = "ErrorBody")]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<&'static str>,
}

/// Every code the backend sends. The UI must have a message for each.
pub const CODES: &[&str] = &[
    "bad_request",
    "unknown_command",
    "not_found",
    "conflict",
    "refused",
    "required",
    "too_long",
    "invalid_value",
    "credit_code_length",
    "credit_code_chars",
    "credit_code_type",
    "credit_code_division",
    "credit_code_check",
    "credit_code_duplicate",
    "phone_invalid",
    "division_unknown",
    "sector_unknown",
    "sector_required",
    "cert_no_invalid",
    "storage",
    "corrupt",
    "key_missing",
    "key_wrong",
    "key_store",
    "device_wiped",
    "device_revoked",
    "internal",
    "incomplete",
    "signature_missing",
    "no_profile",
    "same_officer",
    "template_unknown",
    "deadline_invalid",
    "attachment_invalid",
    "cannot_issue",
    "cannot_change",
    "not_paired",
    "sync_unreachable",
    "sync_refused",
    "sync_failed",
];

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(CODES.contains(&code), "undeclared error code {code}");
        ApiError { code, message: message.into(), field: None }
    }

    pub fn bad_request(detail: impl std::fmt::Display) -> Self {
        ApiError::new("bad_request", format!("请求参数有误：{detail}"))
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        let code = match e.rule {
            Rule::Required => "required",
            Rule::TooLong { .. } => "too_long",
            Rule::InvalidText | Rule::Range { .. } | Rule::DocumentPrefix | Rule::ReviewBody | Rule::Court => {
                "invalid_value"
            }
            Rule::Phone => "phone_invalid",
            Rule::CertNo => "cert_no_invalid",
            Rule::CreditCode { ref problem } => match problem {
                Problem::Length { .. } => "credit_code_length",
                Problem::Character { .. } => "credit_code_chars",
                Problem::Type { .. } => "credit_code_type",
                Problem::Division { .. } => "credit_code_division",
                // Check mismatches are warnings: they arrive as CreditCodeUnconfirmed.
                Problem::CheckCharacter { .. } | Problem::OrganisationCheck { .. } => "credit_code_check",
            },
            Rule::CreditCodeUnconfirmed { .. } => "credit_code_check",
            Rule::UnknownDivision => "division_unknown",
            Rule::UnknownSector => "sector_unknown",
            Rule::SectorRequired => "sector_required",
            Rule::BureauOnly => "refused",
        };
        ApiError { code, message: e.message(), field: Some(e.field) }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(f) => f.into(),
            StoreError::NotFound { kind: "checklist", .. } => ApiError::new("template_unknown", "找不到该检查表版本"),
            StoreError::NotFound { .. } => ApiError::new("not_found", "未找到该记录，可能已被删除"),
            StoreError::Unfinished(FinishError::Incomplete(n)) => {
                ApiError::new("incomplete", format!("还有{n}项未检查，请逐项选择“符合”“不符合”或“不适用”"))
            }
            StoreError::Unfinished(FinishError::DuplicateSignature) => {
                ApiError::new("bad_request", "请求参数有误：同一签名栏提交了两份签名")
            }
            StoreError::AlreadyClosed => ApiError::new("refused", "该隐患已复查销号，不需要再次复查"),
            StoreError::Unfinished(FinishError::SignatureMissing(role)) => ApiError::new(
                "signature_missing",
                format!(
                    "缺少{}的签名",
                    match role {
                        "officer1" => "第一名执法人员",
                        "officer2" => "第二名执法人员",
                        _ => "被检查单位现场负责人（或记录其拒绝签字）",
                    }
                ),
            ),
            StoreError::Conflict { .. } => ApiError::new("conflict", "该记录已在别处被修改，请重新打开后再编辑"),
            StoreError::DuplicateCreditCode(code) => ApiError {
                field: Some("creditCode"),
                ..ApiError::new("credit_code_duplicate", format!("信用代码 {code} 已被另一家单位使用"))
            },
            StoreError::Finished => ApiError::new("refused", "这次检查已经完成，检查记录不能再修改"),
            StoreError::CannotIssue(why) => ApiError::new("cannot_issue", why),
            StoreError::CannotChange(why) => ApiError::new("cannot_change", why),
            StoreError::Refused(why) => ApiError::new("refused", format!("操作未执行：{why}")),
            StoreError::NumberTaken(number) => {
                ApiError::new("refused", format!("操作未执行：文书编号 {number} 在本机已被另一份文书使用"))
            }
            StoreError::Corrupt(why) => ApiError::new("corrupt", format!("本地数据已损坏：{why}")),
            StoreError::NewerSchema { .. } => ApiError::new("storage", "本地数据来自更新版本的安检，请升级本程序"),
            e @ (StoreError::Sqlite(_) | StoreError::Io { .. }) => {
                ApiError::new("storage", format!("本地数据库读写失败：{e}"))
            }
            StoreError::Seed(why) => ApiError::new("internal", format!("内置数据有误：{why}")),
            StoreError::KeyMissing => ApiError::new(
                "key_missing",
                "本机数据已加密，但系统密钥库中没有它的密钥。请用保存数据时的系统账户登录；数据未作任何改动。",
            ),
            StoreError::WrongKey => {
                ApiError::new("key_wrong", "系统密钥库中的密钥打不开本机数据（密钥不符）。数据未作任何改动。")
            }
            StoreError::Wiped => {
                ApiError::new("device_wiped", "本机已被区应急管理局停用，本机数据和密钥已按要求清除。")
            }
            StoreError::WipeUnfinished => ApiError::new(
                "device_wiped",
                "本机已被区应急管理局停用并要求清除数据，清除尚未完成：请关闭并重新打开本软件，打开时完成清除。",
            ),
            StoreError::Key(why) => ApiError::new("key_store", format!("无法使用系统密钥库：{why}")),
        }
    }
}
