//! The commands the UI calls, by name with JSON arguments. The Tauri shell and the
//! HTTP test backend both call `App::call`, so the UI sees one behaviour whichever
//! way it is driven. Knows nothing of Tauri or HTTP.

mod commands;
mod convert;
mod documents;
mod enterprises;
mod error;
mod inspect;
mod sync;

pub use anjian_sync::bundled::CHECKLISTS;

use std::path::PathBuf;
use std::sync::Arc;

use anjian_store::seed::{DemoSet, Reference};
use anjian_store::{Store, TemplateProblem};

pub use anjian_store::{KeyError, KeyStore, MemoryKeys, StoreKey};
pub use commands::typescript;
pub use error::{ApiError, CODES};

const DIVISIONS: &str = include_str!("../../../assets/seed/divisions.json");
const SECTORS: &str = include_str!("../../../assets/seed/sectors.json");
const DEMO: &str = include_str!("../../../assets/demo/enterprises.json");

/// How to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// Where the store's key is kept: the operating system's secret store in the app.
    pub keys: Arc<dyn KeyStore>,
    /// Where a document is written, unencrypted, for the system's viewer to print: outside
    /// the data directory, emptied at each start.
    pub print_dir: PathBuf,
    /// Where files for the bureau are written (what a revoked device never sent): the
    /// user's downloads in the app.
    pub export_dir: PathBuf,
    /// Load the demo enterprises into an empty store.
    pub demo: bool,
    /// Opens a file in the system's viewer (the desktop shell gives one; tests do not).
    pub opener: Option<Opener>,
}

impl Config {
    /// The store in `data_dir` with its key in `keys`, documents to print beside it in
    /// `<data_dir>-print`, files for the bureau in `<data_dir>-export`, no demo data, no
    /// viewer.
    pub fn new(data_dir: PathBuf, keys: Arc<dyn KeyStore>) -> Config {
        let beside = |suffix: &str| {
            let mut path = data_dir.clone().into_os_string();
            path.push(suffix);
            PathBuf::from(path)
        };
        Config { print_dir: beside("-print"), export_dir: beside("-export"), data_dir, keys, demo: false, opener: None }
    }
}

/// Opens a file with the system's default program.
pub type Opener = fn(&std::path::Path) -> std::io::Result<()>;

#[derive(Debug)]
pub struct App {
    store: Arc<Store>,
    sync: Arc<sync::SyncTask>,
    /// Bundled checklist files refused at start; their last good versions stay in use.
    template_problems: Vec<TemplateProblem>,
    opener: Option<Opener>,
    print_dir: PathBuf,
    export_dir: PathBuf,
}

/// The copies a viewer printed last time hold the district's records unencrypted: none
/// outlives the session that made it. A file the viewer still holds open elsewhere is
/// left for the next start.
pub(crate) fn clear_print_dir(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let _ = std::fs::remove_file(entry.path());
    }
}

impl App {
    /// Opens the store in the data directory and brings the reference data (and, on a
    /// first start, the demo set) in.
    pub fn open(config: &Config) -> Result<App, ApiError> {
        let store = Store::open(&config.data_dir, config.keys.as_ref())?;
        clear_print_dir(&config.print_dir);
        let reference = Reference::parse(DIVISIONS, SECTORS)?;
        let demo = if config.demo { Some(DemoSet::parse(DEMO)?) } else { None };
        store.seed(&reference, demo.as_ref())?;
        let template_problems = store.load_templates(CHECKLISTS)?;
        for p in &template_problems {
            eprintln!("anjian: checklist {} refused: {}", p.file, p.problem);
        }
        Ok(App {
            store: Arc::new(store),
            sync: sync::SyncTask::new(config.keys.clone(), config.print_dir.clone()),
            template_problems,
            opener: config.opener,
            print_dir: config.print_dir.clone(),
            export_dir: config.export_dir.clone(),
        })
    }

    /// Starts the background sync task: it syncs whenever the app is paired and the
    /// district server answers, every 30 s and when 立即同步 is pressed.
    pub fn start_sync(&self) {
        self.sync.start(self.store.clone());
    }

    /// One sync round now, on this thread (tests and tools; the app uses the task).
    pub fn sync_once(&self) -> Result<serde_json::Value, ApiError> {
        let (task, store) = (self.sync.clone(), self.store.clone());
        // On a thread of its own: the caller may itself be on an async runtime.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| ApiError::new("internal", e.to_string()))?;
            rt.block_on(task.round(&store));
            Ok::<(), ApiError>(())
        })
        .join()
        .map_err(|_| ApiError::new("internal", "同步中断"))??;
        self.call("sync_status", serde_json::Value::Null)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.store().dir().to_owned()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Runs one command. `args` is the JSON object the UI sent.
    pub fn call(&self, name: &str, args: serde_json::Value) -> Result<serde_json::Value, ApiError> {
        commands::dispatch(self, name, args)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.sync.stop();
    }
}
