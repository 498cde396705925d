import { type Script, scriptSchema } from "../../src/scripts/script-schema.js";

/**
 * An outreach script, drawn by hand:
 *   support (choice) ─ strong / lean → volunteer ─ yes → hours → end
 *                    │                           └ no → end
 *                    ├ undecided → issue → visit_date → end
 *                    └ oppose → end
 */
export const outreachScriptInput = {
  questions: [
    {
      id: "support",
      text: "Will you support Measure 4?",
      type: "choice",
      options: ["strong", "lean", "undecided", "oppose"],
      required: true,
      next: { when: { undecided: "issue", oppose: "end" } },
    },
    {
      id: "volunteer",
      text: "Would you volunteer?",
      type: "yes-no",
      required: true,
      next: { when: { no: "end" } },
    },
    {
      id: "hours",
      text: "How many hours a week?",
      type: "number",
      min: 0,
      max: 40,
      buckets: [5, 10, 20],
      required: true,
      next: "end",
    },
    { id: "issue", text: "Which issue matters most to you?", type: "text" },
    { id: "visit_date", text: "When could we visit?", type: "date" },
  ],
};

export const outreachScript: Script = scriptSchema.parse(outreachScriptInput);
