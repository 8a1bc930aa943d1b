//! Face templates for the first few employees of the demo company (`serve --demo`):
//! synthetic portraits, put through the same checks and thumbnails as an upload, so
//! that `photos` and the photo URLs have something to show. Seeded once per database
//! (a `system_state` mark), like the rest of the demo; a template deleted later stays
//! deleted.

use std::io::Cursor;

use davomat_core::CompanyId;
use davomat_store::faces::{self, NewFace};
use davomat_store::{Store, secrets, system};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

const SEEDED_KEY: &str = "demo_faces_company_id";
/// The admin and the demo users of the first roles.
const HOW_MANY: u64 = 5;
const SIDE: u32 = 400;

/// Gives the first demo employees a face template, unless that was done before.
pub async fn seed(store: &Store, company: CompanyId, now: i64) -> Result<(), String> {
    let seeded = system::get(store, SEEDED_KEY)
        .await
        .map_err(|e| e.to_string())?;
    if seeded.as_deref() == Some(company.0.to_string().as_str()) {
        return Ok(());
    }
    let employees = faces::employees_without_face(store.connection(), company, HOW_MANY)
        .await
        .map_err(|e| e.to_string())?;
    for (i, employee) in employees.into_iter().enumerate() {
        let template = davomat_api::faces::prepare(portrait(i)?)
            .await
            .map_err(|e| format!("demo face: {e:?}"))?;
        let face = NewFace {
            photo_key: secrets::new_token(),
            format: template.format.name().to_string(),
            width: i64::from(template.width),
            height: i64::from(template.height),
            original: template.original,
            small: template.small,
            medium: template.medium,
        };
        faces::put(store.connection(), company, employee, face, now)
            .await
            .map_err(|e| e.to_string())?;
    }
    system::set(store, SEEDED_KEY, &company.0.to_string())
        .await
        .map_err(|e| e.to_string())
}

/// A 400×400 PNG of a simple face: a coloured background (one per `index`), a round
/// head, hair, two eyes and a mouth.
fn portrait(index: usize) -> Result<Vec<u8>, String> {
    const BACKGROUNDS: [[u8; 3]; 5] = [
        [96, 140, 200],
        [120, 180, 120],
        [200, 150, 90],
        [160, 110, 180],
        [90, 170, 170],
    ];
    const SKINS: [[u8; 3]; 3] = [[238, 200, 170], [210, 160, 120], [170, 120, 90]];
    let background = Rgb(BACKGROUNDS[index % BACKGROUNDS.len()]);
    let skin = Rgb(SKINS[index % SKINS.len()]);
    let hair = Rgb([50, 35, 25]);
    let dark = Rgb([30, 30, 40]);
    let lips = Rgb([170, 60, 60]);
    let center = SIDE as f32 / 2.0;
    let image = RgbImage::from_fn(SIDE, SIDE, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let inside = |cx: f32, cy: f32, rx: f32, ry: f32| {
            ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
        };
        if inside(center - 45.0, 185.0, 14.0, 10.0) || inside(center + 45.0, 185.0, 14.0, 10.0) {
            dark
        } else if inside(center, 265.0, 50.0, 14.0) && y >= 262.0 {
            lips
        } else if inside(center, 210.0, 115.0, 140.0) && y >= 120.0 {
            skin
        } else if inside(center, 190.0, 130.0, 150.0) && y < 200.0 {
            hair
        } else if y > 340.0 && inside(center, 470.0, 190.0, 140.0) {
            Rgb([60, 60, 70])
        } else {
            background
        }
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| format!("demo face: {e}"))?;
    Ok(out.into_inner())
}
