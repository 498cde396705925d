import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

const env = { S: "secret", R: "refresh" };

const head = `integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth: { type: refresh_token, clientId: c, clientSecret: "\${S}", refreshToken: "\${R}" }
    answerFields:
      support: { field: Support__c, values: { strong: Strong Support } }
      suport: { field: Support__c }
mappings:
  leads:
    fields:
      - { to: phone, from: Phone, transform: [phone] }
sources:
  - { id: s, integration: sf, campaign: poll, mapping: leads, select: { object: Lead } }
campaigns:
  poll:
    script:
      questions:
`;

function problemsOf(questions: string): Array<{ path: string; message: string }> {
  try {
    parseConfig(head + questions, "telesync.config.yaml", env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("script config", () => {
  it("loads a valid script with branching, and answerFields naming its questions", () => {
    const config = parseConfig(
      `${head}        - { id: support, text: Support?, type: choice, options: [strong, oppose], required: true, next: { when: { oppose: end } } }
        - { id: suport, text: Follow up?, type: yes-no }
`,
      "telesync.config.yaml",
      env,
    );
    const script = config.campaigns.poll?.script;
    expect(script?.questions.map((q) => q.id)).toEqual(["support", "suport"]);
    expect(script?.questions[1]?.required).toBe(false);
    expect(config.integrations.sf?.answerFields.support).toEqual({
      field: "Support__c",
      transform: [],
      values: { strong: "Strong Support" },
    });
  });

  it("reports duplicate ids, misplaced options and bounds, unknown targets and answers, loops, with lines", () => {
    const problems = problemsOf(
      // Line 19 is the first question.
      `        - { id: support, text: Support?, type: choice, options: [strong, oppose], next: { when: { stong: end } } }
        - { id: support, text: Again?, type: number, options: [a, b] }
        - { id: a, text: A?, type: text, next: b }
        - { id: b, text: B?, type: yes-no, min: 1, next: { when: { yes: a }, default: nowhere } }
        - { id: suport, text: Follow up?, type: choice }
`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: "campaigns.poll.script.questions[0].next.when.stong (line 19)",
          message: 'found "stong", which is no answer of "support"; expected "strong", "oppose"',
        },
        {
          path: "campaigns.poll.script.questions[1].id (line 20)",
          message: 'found a duplicate question id "support"',
        },
        {
          path: "campaigns.poll.script.questions[1].options (line 20)",
          message: "found options on a number question (choice only)",
        },
        {
          path: "campaigns.poll.script.questions[3].min (line 22)",
          message: "found min on a yes-no question (number only)",
        },
        {
          path: "campaigns.poll.script.questions[3].next.default (line 22)",
          message:
            'found "nowhere", which is no question of this script; expected "support", "support", "a", "b", "suport", "end"',
        },
        {
          path: "campaigns.poll.script.questions[4].type (line 23)",
          message: "found no options: a choice question lists its answers",
        },
      ]),
    );
    const loop = problems.find((p) => p.message.startsWith("found a loop"));
    expect(loop?.message).toBe("found a loop a → b → a: every path must reach the end");
    expect(loop?.path).toMatch(/^campaigns\.poll\.script\.questions\[3\]\.next \(line 22\)$/);
  });

  it("refuses answerFields for a question no script asks, with the questions it could mean", () => {
    const problems = problemsOf(
      `        - { id: support, text: Support?, type: choice, options: [strong, oppose] }
`,
    );
    expect(problems).toEqual([
      {
        path: "integrations.sf.answerFields.suport (line 8)",
        message: 'no campaign\'s script asks "suport"; expected one of "support"',
      },
    ]);
  });
});
