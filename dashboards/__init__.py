"""Tables -> Plotly figures -> HTML pages. Imports neither `pipelines` nor `assets`."""
