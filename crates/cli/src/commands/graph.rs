//! `ctrail graph SPEC`

use std::path::Path;
use std::process::ExitCode;

use crate::GraphFormat;
use crate::render;

pub fn run(path: &Path, format: GraphFormat, attributes: bool) -> ExitCode {
    let Some(loaded) = super::load_or_report(path) else {
        return ExitCode::from(1);
    };
    let rendered = ctrail_graph::build(&loaded.spec).and_then(|g| match format {
        GraphFormat::Text => render::graph::text(&loaded.spec, &g, attributes),
        GraphFormat::Dot => Ok(ctrail_graph::to_dot(&g)),
        GraphFormat::Json => render::graph::json(&g),
    });
    match rendered {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: {}: internal error building the resource graph: {e}",
                path.display()
            );
            ExitCode::from(1)
        }
    }
}
