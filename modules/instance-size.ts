import { isToken, validateOneOf, ConstructError } from "./private/validate.js";

const CPU_VALUES = ["0.25 vCPU", "0.5 vCPU", "1 vCPU", "2 vCPU", "4 vCPU"] as const;
const MEMORY_VALUES = ["0.5 GB", "1 GB", "2 GB", "3 GB", "4 GB", "6 GB", "8 GB", "10 GB", "12 GB"] as const;

/** The memory sizes App Runner accepts for each CPU size. */
export const CPU_MEMORY_PAIRS: Readonly<Record<string, readonly string[]>> = {
  "0.25 vCPU": ["0.5 GB", "1 GB"],
  "0.5 vCPU": ["1 GB"],
  "1 vCPU": ["2 GB", "3 GB", "4 GB"],
  "2 vCPU": ["4 GB", "6 GB"],
  "4 vCPU": ["8 GB", "10 GB", "12 GB"],
};

/** vCPUs of one service instance. */
export class Cpu {
  static readonly QUARTER_VCPU = new Cpu("0.25 vCPU");
  static readonly HALF_VCPU = new Cpu("0.5 vCPU");
  static readonly ONE_VCPU = new Cpu("1 vCPU");
  static readonly TWO_VCPU = new Cpu("2 vCPU");
  static readonly FOUR_VCPU = new Cpu("4 vCPU");

  /** One of `0.25 vCPU`, `0.5 vCPU`, `1 vCPU`, `2 vCPU`, `4 vCPU` (or a token). */
  static of(value: string): Cpu {
    validateOneOf("cpu", value, CPU_VALUES);
    return new Cpu(value);
  }

  private constructor(readonly value: string) {}
}

/** Memory of one service instance. */
export class Memory {
  static readonly HALF_GB = new Memory("0.5 GB");
  static readonly ONE_GB = new Memory("1 GB");
  static readonly TWO_GB = new Memory("2 GB");
  static readonly THREE_GB = new Memory("3 GB");
  static readonly FOUR_GB = new Memory("4 GB");
  static readonly SIX_GB = new Memory("6 GB");
  static readonly EIGHT_GB = new Memory("8 GB");
  static readonly TEN_GB = new Memory("10 GB");
  static readonly TWELVE_GB = new Memory("12 GB");

  /** One of `0.5 GB` … `12 GB` as App Runner lists them (or a token). */
  static of(value: string): Memory {
    validateOneOf("memory", value, MEMORY_VALUES);
    return new Memory(value);
  }

  private constructor(readonly value: string) {}
}

export function validateCpuMemory(cpu: Cpu, memory: Memory): void {
  if (isToken(cpu.value) || isToken(memory.value)) return;
  const allowed = CPU_MEMORY_PAIRS[cpu.value] ?? [];
  if (!allowed.includes(memory.value)) {
    throw new ConstructError(`cpu "${cpu.value}" cannot pair with memory "${memory.value}"; allowed: ${allowed.join(", ")}`);
  }
}
