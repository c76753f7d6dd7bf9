// The demo's own applications, counted from the answers it got: a department's totals count every run and every
// other caller too, which says nothing about what this run showed.

export interface ApplicationCounts {
  materials: number;
  waived: number;
  required: number;
  unavailable: number;
}

export interface Tally extends ApplicationCounts {
  applications: number;
  /** How many of the applications each department received. */
  byDepartment: Record<string, number>;
}

/** Each application counted once, as its last answer stands (a re-evaluation replaces the first answer's counts). */
export function applicationTally() {
  const latest = new Map<string, { department: string; counts: ApplicationCounts }>();
  return {
    add(answer: { applicationId: string; department: string; counts: ApplicationCounts }): void {
      latest.set(`${answer.department}/${answer.applicationId}`, answer);
    },
    total(): Tally {
      const sum: Tally = {
        applications: latest.size,
        materials: 0,
        waived: 0,
        required: 0,
        unavailable: 0,
        byDepartment: {},
      };
      for (const { department, counts: c } of latest.values()) {
        sum.byDepartment[department] = (sum.byDepartment[department] ?? 0) + 1;
        sum.materials += c.materials;
        sum.waived += c.waived;
        sum.required += c.required;
        sum.unavailable += c.unavailable;
      }
      return sum;
    },
  };
}
