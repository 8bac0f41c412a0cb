/** The event (bubbling, `detail: {source}`) that adds a cell with that source to the open notebook: the Traces view's query, a playground, an evaluation of a draft. */
export const OPEN_IN_NOTEBOOK = "weft-open-in-notebook";
