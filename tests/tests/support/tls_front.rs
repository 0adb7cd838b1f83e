//! A TLS front for the local PostgreSQL, as a bureau's database on another host would
//! be: it answers a client's SSLRequest with 'S', ends TLS with a certificate made on the
//! spot for 127.0.0.1, and passes the plain protocol on to the database. It speaks TLS
//! only: a client that does not ask for it is hung up on.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The code of PostgreSQL's SSLRequest message.
const SSL_REQUEST: u32 = 80_877_103;

pub struct TlsFront {
    /// host:port to connect to.
    pub addr: String,
    /// The certificate the front presents, as a CA file (PEM) a client may trust.
    pub certificate_pem: String,
    sessions: Arc<AtomicU64>,
}

impl TlsFront {
    /// TLS sessions that carried a connection through to the database.
    pub fn sessions(&self) -> u64 {
        self.sessions.load(Ordering::Relaxed)
    }
}

pub async fn start(upstream: String) -> TlsFront {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("certificate");
    let key = tokio_rustls::rustls::pki_types::PrivateKeyDer::try_from(signing_key.serialize_der()).expect("key");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let sessions = Arc::new(AtomicU64::new(0));
    let counted = sessions.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (acceptor, upstream, counted) = (acceptor.clone(), upstream.clone(), counted.clone());
            tokio::spawn(async move {
                let _ = pass(client, acceptor, &upstream, &counted).await;
            });
        }
    });
    TlsFront { addr, certificate_pem: cert.pem(), sessions }
}

async fn pass(
    mut client: TcpStream,
    acceptor: tokio_rustls::TlsAcceptor,
    upstream: &str,
    sessions: &AtomicU64,
) -> std::io::Result<()> {
    let mut request = [0u8; 8];
    client.read_exact(&mut request).await?;
    let code = u32::from_be_bytes([request[4], request[5], request[6], request[7]]);
    if request[..4] != 8u32.to_be_bytes() || code != SSL_REQUEST {
        return Ok(());
    }
    client.write_all(b"S").await?;
    let mut tls = acceptor.accept(client).await?;
    let mut database = TcpStream::connect(upstream).await?;
    sessions.fetch_add(1, Ordering::Relaxed);
    tokio::io::copy_bidirectional(&mut tls, &mut database).await?;
    Ok(())
}
