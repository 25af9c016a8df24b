//! The embedded platform: with no server configured, the TUI runs the platform in-process
//! on a SQLite file in the data directory and talks to it over loopback HTTP exactly as it
//! would to a remote one, as a local admin operator whose token lives in the data
//! directory (mode 0600).

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};

use crate::config::{Config, data_dir, default_database_url};
use crate::domain::{Role, RoleSet};
use crate::server::Platform;
use crate::server::store::Store;

/// The local admin's name.
pub const LOCAL_ADMIN: &str = "local-admin";

/// Where the local admin's token is kept.
pub fn token_path() -> PathBuf {
    data_dir().join("local-admin.token")
}

/// Starts the embedded platform on an ephemeral loopback port; returns it with the local
/// admin's token.
pub async fn start(config: &Config) -> Result<(Platform, String)> {
    let url = config
        .platform
        .database_url
        .clone()
        .unwrap_or_else(default_database_url);
    // Phones need to reach the real-name and payment pages: when a public address is
    // configured, listen where the config says; otherwise on a private loopback port.
    let address = match &config.platform.public_base_url {
        Some(_) => config.platform.listen,
        None => std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .wrap_err_with(|| format!("cannot listen on {address} for the embedded platform"))?;
    let platform = Platform::start(config.platform.clone(), &url, listener)
        .await
        .wrap_err_with(|| format!("cannot start the embedded platform on {url}"))?;
    let token = local_admin_token(platform.store(), &token_path()).await?;
    Ok((platform, token))
}

/// The local admin's token: the saved one if it still works, else a new one (creating the
/// operator on first start), saved with mode 0600.
async fn local_admin_token(store: &Store, path: &Path) -> Result<String> {
    if let Ok(saved) = std::fs::read_to_string(path) {
        let saved = saved.trim().to_owned();
        if !saved.is_empty() && store.authenticate(&saved).await?.is_some() {
            return Ok(saved);
        }
    }
    let token = match store.issue_token(LOCAL_ADMIN).await? {
        Some(token) => token,
        None => {
            store
                .add_operator(LOCAL_ADMIN, &RoleSet::new([Role::Admin]))
                .await?
                .1
        }
    };
    // Readable by this user only, as drafts and prints are.
    super::files::write_private(path, format!("{token}\n").as_bytes())
        .wrap_err_with(|| format!("cannot save the local token to {}", path.display()))?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_local_admin_token_is_made_once_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::open(&url, 2).await.unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("data/local-admin.token");
        let first = local_admin_token(&store, &path)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let second = local_admin_token(&store, &path)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        let operator = store.authenticate(&first).await.ok().flatten();
        assert!(operator.is_some_and(|o| o.roles.roles() == [Role::Admin]));
        // A lost token file gets a fresh token for the same operator.
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let third = local_admin_token(&store, &path)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(third, first);
        assert_eq!(
            store.list_operators().await.map(|o| o.len()).unwrap_or(0),
            1
        );
    }
}
