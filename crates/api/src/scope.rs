//! What a caller may see: the use cases' [`davomat_app::Scope`].

pub use davomat_app::Scope;
