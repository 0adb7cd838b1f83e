//! The one command table: every command the UI calls, with its arguments and its
//! result. Both adapters (Tauri, HTTP) dispatch through it, and the UI's TypeScript
//! (`ui/src/lib/backend/generated.ts`) is generated from it.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ts_rs::{TS, TypeVisitor};

use crate::convert::{Done, IdArgs, NoArgs};
use crate::{ApiError, App, documents, enterprises, inspect, sync};

/// Declares the table once: `dispatch` runs a command by name, `signatures` lists each
/// command's argument and result types for the TypeScript.
macro_rules! commands {
    ($($name:ident: $args:ty => $out:ty = $handler:path;)*) => {
        pub(crate) fn dispatch(app: &App, name: &str, args: Value) -> Result<Value, ApiError> {
            match name {
                $(stringify!($name) => run::<$args, $out>(app, args, $handler),)*
                _ => Err(ApiError::new("unknown_command", format!("未知的操作：{name}"))),
            }
        }

        fn signatures(types: &mut Types) -> Vec<(&'static str, String, String)> {
            vec![$((stringify!($name), types.add::<$args>(), types.add::<$out>()),)*]
        }
    };
}

commands! {
    app_info: NoArgs => enterprises::AppInfo = enterprises::app_info;
    list_divisions: NoArgs => Vec<anjian_core::division::Division> = enterprises::list_divisions;
    list_sectors: NoArgs => Vec<anjian_core::division::Sector> = enterprises::list_sectors;
    search_enterprises: enterprises::SearchArgs => anjian_store::EnterprisePage = enterprises::search_enterprises;
    get_enterprise: IdArgs => enterprises::EnterpriseView = enterprises::get_enterprise;
    create_enterprise: enterprises::CreateEnterpriseArgs => enterprises::EnterpriseView = enterprises::create_enterprise;
    update_enterprise: enterprises::UpdateEnterpriseArgs => enterprises::EnterpriseView = enterprises::update_enterprise;
    check_credit_code: enterprises::CreditCodeArgs => enterprises::CreditCodeCheck = enterprises::check_credit_code;
    get_profile: NoArgs => Option<enterprises::ProfileView> = enterprises::get_profile;
    save_profile: enterprises::SaveProfileArgs => enterprises::ProfileView = enterprises::save_profile;
    remove_demo: NoArgs => enterprises::RemoveDemoResult = enterprises::remove_demo;

    list_templates: inspect::SectorArgs => Vec<anjian_store::TemplateSummary> = inspect::list_templates;
    get_template: inspect::TemplateArgs => anjian_core::checklist::Template = inspect::get_template;
    template_problems: NoArgs => Vec<anjian_store::TemplateProblem> = inspect::template_problems;
    list_inspectors: NoArgs => Vec<inspect::InspectorView> = inspect::list_inspectors;
    save_inspector: inspect::SaveInspectorArgs => inspect::InspectorView = inspect::save_inspector;
    get_settings: NoArgs => anjian_core::hazard::DeadlineDays = inspect::get_settings;
    save_settings: inspect::SaveSettingsArgs => anjian_core::hazard::DeadlineDays = inspect::save_settings;
    start_inspection: inspect::StartInspectionArgs => inspect::InspectionView = inspect::start_inspection;
    list_tasks: NoArgs => Vec<anjian_store::TaskRow> = inspect::list_tasks;
    list_inspections: inspect::ListInspectionsArgs => Vec<anjian_store::InspectionSummary> = inspect::list_inspections;
    get_inspection: IdArgs => inspect::InspectionView = inspect::get_inspection;
    hazard_proposals: IdArgs => inspect::HazardProposals = inspect::hazard_proposals;
    put_answer: inspect::PutAnswerArgs => inspect::PutAnswerResult = inspect::put_answer;
    set_inspection_notes: inspect::NotesArgs => Done = inspect::set_notes;
    save_finish_draft: inspect::SaveFinishDraftArgs => Done = inspect::save_finish_draft;
    add_attachment: inspect::AddAttachmentArgs => inspect::AttachmentRef = inspect::add_attachment;
    get_attachment: inspect::AttachmentArgs => inspect::AttachmentData = inspect::get_attachment;
    finish_inspection: inspect::FinishInspectionArgs => inspect::InspectionView = inspect::finish_inspection;
    hazard_ledger: inspect::LedgerFilter => anjian_store::HazardPage = inspect::hazard_ledger;
    get_hazard: IdArgs => anjian_store::HazardRow = inspect::get_hazard;
    hazard_history: IdArgs => Vec<anjian_store::HazardEvent> = inspect::hazard_history;
    review_hazard: inspect::ReviewInput => inspect::ReviewResult = inspect::review_hazard;
    report_rectified: inspect::RectifiedReportInput => inspect::ReviewResult = inspect::report_rectified;

    get_document_settings: NoArgs => anjian_core::document::DocumentSettings = documents::get_document_settings;
    save_document_settings: documents::SaveDocumentSettingsArgs => anjian_core::document::DocumentSettings = documents::save_document_settings;
    prepare_documents: documents::InspectionArgs => Vec<anjian_store::DocumentSummary> = documents::prepare_documents;
    prepare_review: documents::PrepareReviewArgs => documents::DocumentDetail = documents::prepare_review;
    list_documents: documents::ListDocumentsArgs => Vec<anjian_store::DocumentSummary> = documents::list_documents;
    get_document: IdArgs => documents::DocumentDetail = documents::get_document;
    document_pdf: IdArgs => documents::DocumentPdf = documents::document_pdf;
    issue_document: IdArgs => documents::DocumentDetail = documents::issue_document;
    void_document: documents::VoidArgs => documents::DocumentDetail = documents::void_document;
    export_document: IdArgs => documents::DocumentExport = documents::export_document;
    number_reserve: NoArgs => Vec<anjian_store::NumberReserve> = documents::number_reserve;

    sync_status: NoArgs => sync::SyncStatus = sync::status;
    sync_pair: sync::SyncPairArgs => sync::SyncStatus = sync::pair;
    sync_now: NoArgs => sync::SyncStatus = sync::now;
    sync_unpair: NoArgs => sync::SyncStatus = sync::unpair;
    sync_export_unsent: NoArgs => sync::UnsentExport = sync::export_unsent;
    enterprise_overwrites: IdArgs => Vec<sync::FieldOverwrite> = sync::overwrites;
}

/// Parses the arguments (unknown fields are refused), runs the command and encodes its result.
fn run<A: DeserializeOwned, R: Serialize>(
    app: &App,
    args: Value,
    handler: fn(&App, A) -> Result<R, ApiError>,
) -> Result<Value, ApiError> {
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    let args = serde_json::from_value(args).map_err(ApiError::bad_request)?;
    serde_json::to_value(handler(app, args)?).map_err(|e| ApiError::new("internal", format!("结果无法编码：{e}")))
}

/// Every named type the table reaches, declared once.
#[derive(Debug, Default)]
struct Types {
    seen: HashSet<TypeId>,
    /// TypeScript name → (Rust type, declaration).
    decls: BTreeMap<String, (&'static str, String)>,
    clashes: Vec<String>,
}

impl Types {
    /// Declares `T` and what it refers to; returns how TypeScript names `T`.
    fn add<T: TS + 'static>(&mut self) -> String {
        self.visit::<T>();
        T::visit_dependencies(self);
        T::visit_generics(self);
        T::name()
    }
}

impl TypeVisitor for Types {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let rust = std::any::type_name::<T>();
        let decl = format!("{}export {}", T::docs().unwrap_or_default(), T::decl());
        if let Some((other, _)) = self.decls.insert(T::ident(), (rust, decl)) {
            self.clashes.push(format!("{} is both {other} and {rust}", T::ident()));
        }
        T::visit_dependencies(self);
    }
}

/// The TypeScript of every command's arguments and result, and the `Commands` table.
/// Fails when two Rust types would share one TypeScript name.
pub fn typescript() -> Result<String, String> {
    let mut types = Types::default();
    let table = signatures(&mut types);
    types.add::<ApiError>();
    if !types.clashes.is_empty() {
        return Err(types.clashes.join("; "));
    }
    let mut out = String::from(
        "// Generated from the Rust types by ts-rs (crates/api/src/commands.rs): do not edit.\n\
         // Refresh with `UPDATE_BINDINGS=1 cargo test -p anjian-api --test typescript`.\n\n\
         // The finish page's draft is the UI's own shape; the backend keeps it as it comes.\n\
         import type { FinishDraft } from './finishDraft'\n\n",
    );
    for (_, decl) in types.decls.values() {
        out.push_str(decl);
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its arguments and its result. */\nexport interface Commands {\n");
    for (name, args, result) in table {
        out.push_str(&format!("  {name}: {{ args: {args}; result: {result} }}\n"));
    }
    out.push_str("}\n");
    Ok(out)
}
