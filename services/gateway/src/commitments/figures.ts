// The district's figures as one department holds them: applications, materials no longer collected, commitments and
// what became of them, and the days of waiting saved, over a time range, overall and per scenario.
import type { DepartmentRuntime } from "../department.ts";
import { applicationStore } from "../scenarios/applicationStore.ts";
import { commitmentStore, type StoredCommitment } from "./commitmentStore.ts";
import { beijingDay } from "./recordCommitment.ts";

export interface Figures {
  applications: number;
  materialsRequested: number;
  /** Materials applicants did not bring: the data travelled instead. */
  materialsWaived: number;
  /** Materials accepted on the applicant's commitment instead of proof. */
  materialsCommitted: number;
  commitments: number;
  open: number;
  fulfilled: number;
  overdue: number;
  breached: number;
  /** The statutory time limits (days) replaced by decisions on commitment made the day the application was submitted. */
  daysSaved: number;
}

export interface FiguresRange {
  /** Inclusive, ms since the epoch. */
  from?: number;
  /** Exclusive, ms since the epoch. */
  to?: number;
}

export const emptyFigures = (): Figures => ({
  applications: 0,
  materialsRequested: 0,
  materialsWaived: 0,
  materialsCommitted: 0,
  commitments: 0,
  open: 0,
  fulfilled: 0,
  overdue: 0,
  breached: 0,
  daysSaved: 0,
});

const within = (range: FiguresRange, at: string) => {
  const t = Date.parse(at);
  return (range.from === undefined || t >= range.from) && (range.to === undefined || t < range.to);
};

/**
 * When the matter was decided on the commitment: when the record it produces was named, or, for a matter that
 * produces no record, when the commitment was recorded (the decision it stands in for is made then).
 */
export function decidedAt(commitment: StoredCommitment): string | undefined {
  if (commitment.produced) return commitment.produced.at;
  return commitment.matter.produces === undefined ? commitment.committedAt : undefined;
}

/**
 * Days saved by one commitment: the time limit replaced, when its matter was decided the day (in Beijing) the
 * application came in. A matter counts once in the figures, however many commitments it took.
 */
export function daysSavedBy(commitment: StoredCommitment): number {
  const decided = decidedAt(commitment);
  if (!decided) return 0;
  const sameDay = beijingDay(Date.parse(decided)) === beijingDay(Date.parse(commitment.applicationSubmittedAt));
  return sameDay ? commitment.replacesDays : 0;
}

/**
 * Counts applications submitted and commitments recorded within the range, overall, per scenario and per day (in
 * Beijing; a matter's days saved count on the day of the commitment that saved them). A commitment's status is as it
 * stands now; one application counts once, as last evaluated.
 */
export async function figuresOf(department: DepartmentRuntime, range: FiguresRange) {
  const total = emptyFigures();
  const byScenario: Record<string, Figures> = {};
  const byDay: Record<string, Figures> = {};
  const of = (scenario: string) => {
    byScenario[scenario] ??= emptyFigures();
    return byScenario[scenario];
  };
  /** The figures of the day (in Beijing) an application came in or a commitment was recorded. */
  const onDay = (at: string) => {
    const day = beijingDay(Date.parse(at));
    byDay[day] ??= emptyFigures();
    return byDay[day];
  };
  for await (const application of applicationStore(department.store).all()) {
    if (!within(range, application.submittedAt)) continue;
    for (const figures of [total, of(application.scenario.code), onDay(application.submittedAt)]) {
      figures.applications += 1;
      figures.materialsRequested += application.counts.materials;
      figures.materialsWaived += application.counts.waived;
    }
  }
  // A matter decided on commitment saves its time limit once, however many commitments (one per material) it took.
  const saved = new Map<string, { scenario: string; day: Figures; days: number }>();
  for await (const commitment of commitmentStore(department.store).all()) {
    if (!within(range, commitment.committedAt)) continue;
    const day = onDay(commitment.committedAt);
    for (const figures of [total, of(commitment.scenario.code), day]) {
      figures.commitments += 1;
      figures[commitment.status] += 1;
      figures.materialsCommitted += commitment.materials.length;
    }
    const matter = `${commitment.applicationId}!${commitment.matter.code}`;
    const days = daysSavedBy(commitment);
    if (days > (saved.get(matter)?.days ?? 0)) saved.set(matter, { scenario: commitment.scenario.code, day, days });
  }
  for (const { scenario, day, days } of saved.values()) {
    total.daysSaved += days;
    of(scenario).daysSaved += days;
    day.daysSaved += days;
  }
  const sorted = (by: Record<string, Figures>) =>
    Object.fromEntries(Object.entries(by).sort(([a], [b]) => a.localeCompare(b)));
  return { department: department.code, ...total, byScenario: sorted(byScenario), byDay: sorted(byDay) };
}
