/**
 * Primal network simplex for the (unbalanced, maximising) transportation problem
 *
 *   maximise Σ gain_k · x_k   over arcs k = (i → j)
 *   subject to Σ_{k out of i} x_k ≤ supply_i,  Σ_{k into j} x_k ≤ demand_j,  x ≥ 0,
 *
 * with integer supplies, demands and gains. It is turned into a balanced, uncapacitated min-cost
 * flow problem on m + n + 2 nodes: a dummy supply node D (supply Σ demand) with zero-cost arcs
 * D → j (gap left unfilled) and D → E, and a dummy demand node E (demand Σ supply) with zero-cost
 * arcs i → E (money left unplaced); real arcs cost −gain. The spanning tree {i → E, D → j, D → E}
 * rooted at E is a strongly feasible starting basis (every zero-flow tree arc points towards the
 * root), so no artificial arcs or big-M costs are needed.
 *
 * Each pivot: block-search pricing (about √A/5 arcs per block, the entering arc is the most negative
 * reduced cost in the first block that has one), the cycle's apex found by walking up from both
 * ends using subtree sizes, the leaving arc chosen by Cunningham's rule (the last blocking arc met
 * when walking the cycle from the apex), which keeps the tree strongly feasible and so prevents
 * cycling; then the tree is updated with parent / thread (preorder) / subtree-size / last-successor
 * arrays, and the potentials of the re-hung subtree are shifted.
 *
 * Guarantees: every basic solution is integral (flows change by the integer minimum of integer
 * flows), the method terminates (strongly feasible bases, finitely many), and it stops only when no
 * arc has a negative reduced cost, which — with the potentials as dual values — certifies that
 * the flow is optimal. Complexity: one pivot costs O(√A) pricing plus O(cycle + re-hung subtree),
 * both at most O(V); the number of pivots has no useful polynomial bound for this pivot rule
 * (network simplex is exponential in the worst case) but is in practice a small multiple of V.
 * Memory: O(V + A).
 *
 * The solver keeps its basis, so it can be re-solved warm after arcs are forbidden (the plan's
 * repair rounds): a forbidden arc gets a positive cost, which no optimal flow uses — moving its flow
 * to "unplaced" and "unfilled" is always possible at zero cost, because the dummy arc D → E carries
 * exactly the total placed flow — and the potentials are recomputed from the tree in O(V).
 */

export interface TransportationProblem {
  /** supply (money) per source node, non-negative integers */
  supplies: ArrayLike<number>;
  /** capacity (gap) per sink node, non-negative integers */
  demands: ArrayLike<number>;
  /** arc k goes from source arcFrom[k] to sink arcTo[k] with integer gain per unit arcGain[k] */
  arcFrom: ArrayLike<number>;
  arcTo: ArrayLike<number>;
  arcGain: ArrayLike<number>;
}

export interface TransportationSolution {
  /** integral flow per arc, in the problem's arc order */
  flow: Float64Array;
  /** Σ gain × flow */
  objective: number;
  /** pivots of this solve (not counting earlier solves of the same solver) */
  pivots: number;
  degeneratePivots: number;
}

export interface SolveOptions {
  /** check every tree invariant after every pivot (slow; for tests) */
  validate?: boolean;
  /** pricing block size (default √A / 5, at least 16) */
  blockSize?: number;
}

function checkCount(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative integer, got ${v}`);
  return v;
}

/** Cost given to a forbidden arc: any positive cost keeps it out of every optimal flow. */
const FORBIDDEN_COST = 1;

export class TransportationSolver {
  private readonly arcCount: number;
  private readonly gain: Float64Array;
  /** problem arc → internal arc, or -1 when an end node has nothing to give or take */
  private readonly internal: Int32Array;
  /** internal real arc → problem arc */
  private readonly kept: Int32Array;
  private readonly m: number;
  private readonly n: number;
  private readonly r: number;
  private readonly V: number;
  private readonly D: number;
  private readonly E: number;
  private readonly A: number;
  private readonly sourceSupply: Float64Array;
  private readonly sinkDemand: Float64Array;
  private readonly src: Int32Array;
  private readonly tgt: Int32Array;
  private readonly cost: Float64Array;
  private readonly flow: Float64Array;
  /** 1: non-tree arc at flow 0; 0: tree arc */
  private readonly lower: Uint8Array;
  private readonly parent: Int32Array;
  private readonly pred: Int32Array;
  /** 1: the pred arc goes node → parent */
  private readonly predUp: Uint8Array;
  private readonly thread: Int32Array;
  private readonly revThread: Int32Array;
  private readonly succNum: Int32Array;
  private readonly lastSucc: Int32Array;
  private readonly pi: Float64Array;
  private readonly blockSize: number;
  private readonly validate: boolean;
  private nextArc = 0;
  private potentialsStale = false;
  /** total pivots over every solve */
  totalPivots = 0;

  constructor(problem: TransportationProblem, options: SolveOptions = {}) {
    const { supplies, demands, arcFrom, arcTo, arcGain } = problem;
    const arcCount = arcFrom.length;
    if (arcTo.length !== arcCount || arcGain.length !== arcCount) throw new RangeError('arc arrays differ in length');
    this.arcCount = arcCount;
    this.validate = options.validate ?? false;

    // Nodes with nothing to give or take are left out: a zero-flow i → E tree arc would point away
    // from the root and break strong feasibility of the starting basis.
    const sourceNode = new Int32Array(supplies.length).fill(-1);
    const sinkNode = new Int32Array(demands.length).fill(-1);
    let m = 0;
    for (let i = 0; i < supplies.length; i++) if (checkCount(supplies[i], `supply ${i}`) > 0) sourceNode[i] = m++;
    let n = 0;
    for (let j = 0; j < demands.length; j++) if (checkCount(demands[j], `demand ${j}`) > 0) sinkNode[j] = n++;
    const sourceSupply = new Float64Array(m);
    for (let i = 0; i < supplies.length; i++) if (sourceNode[i] >= 0) sourceSupply[sourceNode[i]] = supplies[i];
    const sinkDemand = new Float64Array(n);
    for (let j = 0; j < demands.length; j++) if (sinkNode[j] >= 0) sinkDemand[sinkNode[j]] = demands[j];

    const gain = new Float64Array(arcCount);
    const internal = new Int32Array(arcCount).fill(-1);
    const kept = new Int32Array(arcCount);
    let r = 0;
    for (let k = 0; k < arcCount; k++) {
      const i = arcFrom[k];
      const j = arcTo[k];
      if (!Number.isInteger(i) || i < 0 || i >= supplies.length) throw new RangeError(`arc ${k}: bad source ${i}`);
      if (!Number.isInteger(j) || j < 0 || j >= demands.length) throw new RangeError(`arc ${k}: bad sink ${j}`);
      if (!Number.isSafeInteger(arcGain[k]) || Math.abs(arcGain[k]) > 1e9) {
        throw new RangeError(`arc ${k}: gain must be an integer of magnitude ≤ 1e9`);
      }
      gain[k] = arcGain[k];
      if (sourceNode[i] >= 0 && sinkNode[j] >= 0) {
        internal[k] = r;
        kept[r++] = k;
      }
    }

    const V = m + n + 2;
    const D = m + n; // dummy supply
    const E = m + n + 1; // dummy demand, the root
    const A = r + m + n + 1;
    this.gain = gain;
    this.internal = internal;
    this.kept = kept.subarray(0, r);
    this.m = m;
    this.n = n;
    this.r = r;
    this.V = V;
    this.D = D;
    this.E = E;
    this.A = A;
    this.sourceSupply = sourceSupply;
    this.sinkDemand = sinkDemand;
    const src = (this.src = new Int32Array(A));
    const tgt = (this.tgt = new Int32Array(A));
    const cost = (this.cost = new Float64Array(A));
    const flow = (this.flow = new Float64Array(A));
    const lower = (this.lower = new Uint8Array(A));
    for (let q = 0; q < r; q++) {
      const k = kept[q];
      src[q] = sourceNode[arcFrom[k]];
      tgt[q] = m + sinkNode[arcTo[k]];
      cost[q] = -gain[k];
      lower[q] = 1;
    }
    const parent = (this.parent = new Int32Array(V));
    const pred = (this.pred = new Int32Array(V));
    const predUp = (this.predUp = new Uint8Array(V));
    const thread = (this.thread = new Int32Array(V));
    const revThread = (this.revThread = new Int32Array(V));
    const succNum = (this.succNum = new Int32Array(V));
    const lastSucc = (this.lastSucc = new Int32Array(V));
    this.pi = new Float64Array(V);
    // Smaller blocks than the customary √A pay off here: pricing dominates a pivot's cost and the
    // first negative arcs found are good enough (measured on the benchmark's instances).
    this.blockSize = Math.max(1, Math.floor(options.blockSize ?? Math.max(16, Math.round(Math.sqrt(A) / 5))));

    // Starting tree rooted at E, thread order E, S0..Sm-1, D, P0..Pn-1. Strongly feasible: the only
    // zero-flow tree arc, D → E, points towards the root. All potentials 0 (all tree arcs cost 0).
    const link = (a: number, b: number): void => {
      thread[a] = b;
      revThread[b] = a;
    };
    parent[E] = -1;
    pred[E] = -1;
    succNum[E] = V;
    let prev = E;
    for (let i = 0; i < m; i++) {
      const e = r + i;
      src[e] = i;
      tgt[e] = E;
      flow[e] = sourceSupply[i];
      parent[i] = E;
      pred[i] = e;
      predUp[i] = 1;
      succNum[i] = 1;
      lastSucc[i] = i;
      link(prev, i);
      prev = i;
    }
    const eDE = r + m + n;
    src[eDE] = D;
    tgt[eDE] = E;
    parent[D] = E;
    pred[D] = eDE;
    predUp[D] = 1;
    succNum[D] = n + 1;
    link(prev, D);
    prev = D;
    for (let j = 0; j < n; j++) {
      const v = m + j;
      const e = r + m + j;
      src[e] = D;
      tgt[e] = v;
      flow[e] = sinkDemand[j];
      parent[v] = D;
      pred[v] = e;
      predUp[v] = 0;
      succNum[v] = 1;
      lastSucc[v] = v;
      link(prev, v);
      prev = v;
    }
    link(prev, E);
    lastSucc[D] = prev;
    lastSucc[E] = prev;
  }

  /**
   * Forbid arc k (problem order): after the next `solve()` it carries no flow. Its gain is kept
   * for nothing; the objective counts only flows, which will be zero on it.
   */
  forbid(k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.arcCount) throw new RangeError(`no arc ${k}`);
    const q = this.internal[k];
    if (q < 0 || this.cost[q] === FORBIDDEN_COST) return;
    this.cost[q] = FORBIDDEN_COST;
    if (this.lower[q] === 0) this.potentialsStale = true;
  }

  /** Potentials from the tree: zero reduced cost on every tree arc; the thread lists parents first. */
  private recomputePotentials(): void {
    const { pi, thread, parent, pred, predUp, cost, E } = this;
    pi[E] = 0;
    for (let v = thread[E]; v !== E; v = thread[v]) {
      const e = pred[v];
      pi[v] = predUp[v] === 1 ? pi[parent[v]] - cost[e] : pi[parent[v]] + cost[e];
    }
    this.potentialsStale = false;
  }

  /** Pivot until no arc has a negative reduced cost; returns the optimal flow. */
  solve(): TransportationSolution {
    if (this.potentialsStale) this.recomputePotentials();
    const { src, tgt, cost, flow, lower, parent, pred, predUp, thread, revThread, succNum, lastSucc, pi } = this;
    const { A, V, blockSize } = this;
    const link = (a: number, b: number): void => {
      thread[a] = b;
      revThread[b] = a;
    };
    const stem = new Int32Array(V);
    const stemLast = new Int32Array(V);
    const stemRev = new Int32Array(V);
    const stemBStart = new Int32Array(V);
    let nextArc = this.nextArc;
    let pivots = 0;
    let degenerate = 0;
    const maxPivots = 1_000_000 + 200 * A;

    for (;;) {
      // Pricing: block search.
      let enter = -1;
      let minRc = 0;
      {
        let e = nextArc;
        let inBlock = 0;
        for (let seen = 0; seen < A; seen++) {
          if (lower[e] === 1) {
            const rc = cost[e] + pi[src[e]] - pi[tgt[e]];
            if (rc < minRc) {
              minRc = rc;
              enter = e;
            }
          }
          e++;
          if (e === A) e = 0;
          if (++inBlock === blockSize) {
            if (enter >= 0) break;
            inBlock = 0;
          }
        }
        nextArc = e;
      }
      if (enter < 0) break;
      if (++pivots > maxPivots) throw new Error('network simplex: pivot limit exceeded');

      // Apex of the cycle closed by the entering arc.
      const first = src[enter];
      const second = tgt[enter];
      let a = first;
      let b = second;
      while (a !== b) {
        if (succNum[a] < succNum[b]) a = parent[a];
        else b = parent[b];
      }
      const join = a;

      // Leaving arc (Cunningham's rule). Flow runs join → … → first → second → … → join.
      let delta = Number.POSITIVE_INFINITY;
      let uOut = -1;
      let side = 0;
      for (let u = first; u !== join; u = parent[u]) {
        if (predUp[u] === 1) {
          const f = flow[pred[u]];
          if (f < delta) {
            delta = f;
            uOut = u;
            side = 1;
          }
        }
      }
      for (let u = second; u !== join; u = parent[u]) {
        if (predUp[u] === 0) {
          const f = flow[pred[u]];
          if (f <= delta) {
            delta = f;
            uOut = u;
            side = 2;
          }
        }
      }
      if (uOut < 0) throw new Error('network simplex: unbounded cycle (cannot happen for a transportation problem)');

      if (delta > 0) {
        flow[enter] += delta;
        for (let u = first; u !== join; u = parent[u]) flow[pred[u]] += predUp[u] === 1 ? -delta : delta;
        for (let u = second; u !== join; u = parent[u]) flow[pred[u]] += predUp[u] === 1 ? delta : -delta;
      } else {
        degenerate++;
      }
      lower[enter] = 0;
      lower[pred[uOut]] = 1;

      // Re-hang the subtree T2 below the leaving arc from the entering arc.
      const uIn = side === 1 ? first : second;
      const vIn = side === 1 ? second : first;
      const vOut = parent[uOut];
      const size = succNum[uOut];
      const lastOut = lastSucc[uOut];
      const before = revThread[uOut];

      let k = 0;
      for (let w = uIn; ; w = parent[w]) {
        stem[k] = w;
        stemLast[k] = lastSucc[w];
        stemRev[k] = revThread[w];
        k++;
        if (w === uOut) break;
      }
      for (let i = 1; i < k; i++) stemBStart[i] = stemLast[i - 1] !== stemLast[i] ? thread[stemLast[i - 1]] : -1;
      const after = thread[lastOut];

      // 1. Cut T2 out of the thread and of its old ancestors.
      link(before, after);
      for (let x = vOut; x !== -1 && lastSucc[x] === lastOut; x = parent[x]) lastSucc[x] = before;
      for (let x = vOut; x !== join; x = parent[x]) succNum[x] -= size;

      // 2. New preorder of T2 rooted at uIn: old subtree(stem0), then for each higher stem node its
      //    old subtree minus the part already listed (two contiguous pieces of the old thread).
      let tail = stemLast[0];
      for (let i = 1; i < k; i++) {
        link(tail, stem[i]);
        tail = stemRev[i - 1];
        if (stemBStart[i] >= 0) {
          link(tail, stemBStart[i]);
          tail = stemLast[i];
        }
      }
      const newLast = tail;

      // 3. Reverse the stem's parent links; sizes and last successors of stem nodes.
      for (let i = k - 1; i >= 1; i--) {
        const w = stem[i];
        const below = stem[i - 1];
        parent[w] = below;
        pred[w] = pred[below];
        predUp[w] = predUp[below] === 1 ? 0 : 1;
        succNum[w] = size - succNum[below];
        lastSucc[w] = newLast;
      }
      parent[uIn] = vIn;
      pred[uIn] = enter;
      predUp[uIn] = src[enter] === uIn ? 1 : 0;
      succNum[uIn] = size;
      lastSucc[uIn] = newLast;

      // 4. Hang T2 right after vIn in the thread; update vIn's ancestors.
      const nxt = thread[vIn];
      link(vIn, uIn);
      link(newLast, nxt);
      for (let x = vIn; x !== -1 && lastSucc[x] === vIn; x = parent[x]) lastSucc[x] = newLast;
      for (let x = vIn; x !== join; x = parent[x]) succNum[x] += size;

      // 5. Potentials of T2 shift so that the entering arc has zero reduced cost.
      const shift = src[enter] === uIn ? -minRc : minRc;
      for (let x = uIn, c = 0; c < size; x = thread[x], c++) pi[x] += shift;

      if (this.validate) this.validateTree();
    }
    this.nextArc = nextArc;
    this.totalPivots += pivots;

    const out = new Float64Array(this.arcCount);
    let objective = 0;
    for (let q = 0; q < this.r; q++) {
      const f = flow[q];
      if (f === 0) continue;
      if (cost[q] > 0) throw new Error('network simplex: an arc of positive cost carries flow (internal error)');
      out[this.kept[q]] = f;
      objective += this.gain[this.kept[q]] * f;
    }
    return { flow: out, objective, pivots, degeneratePivots: degenerate };
  }

  /** Every invariant of the basis (for tests): tree links, thread preorder, sizes, duals, flows. */
  validateTree(): void {
    const { src, tgt, cost, flow, lower, parent, pred, predUp, thread, revThread, succNum, lastSucc, pi } = this;
    const { V, A, D, E, m, n } = this;
    for (let v = 0; v < V; v++) {
      if (v === E) continue;
      const e = pred[v];
      const p = parent[v];
      const ok = predUp[v] === 1 ? src[e] === v && tgt[e] === p : src[e] === p && tgt[e] === v;
      if (!ok) throw new Error(`tree: pred arc of ${v} does not join it to its parent`);
      if (lower[e] !== 0) throw new Error(`tree: pred arc of ${v} not marked as a tree arc`);
      if (cost[e] + pi[src[e]] - pi[tgt[e]] !== 0) throw new Error(`tree: reduced cost of ${e} not zero`);
      if (flow[e] < 0) throw new Error(`tree: negative flow on ${e}`);
      if (flow[e] === 0 && predUp[v] === 0) throw new Error(`tree: not strongly feasible at ${v}`);
    }
    const order: number[] = [];
    let x = E;
    do {
      order.push(x);
      x = thread[x];
      if (order.length > V) throw new Error('tree: thread does not close');
    } while (x !== E);
    if (order.length !== V) throw new Error('tree: thread misses nodes');
    const pos = new Int32Array(V);
    order.forEach((v, i) => (pos[v] = i));
    for (let v = 0; v < V; v++) {
      if (revThread[thread[v]] !== v) throw new Error('tree: revThread');
      const lastPos = pos[v] + succNum[v] - 1;
      if (order[lastPos] !== lastSucc[v]) throw new Error(`tree: lastSucc of ${v}`);
      for (let i = pos[v] + 1; i <= lastPos; i++) {
        let y = order[i];
        while (y !== -1 && y !== v) y = parent[y];
        if (y !== v) throw new Error(`tree: subtree of ${v} is not contiguous in the thread`);
      }
      if (v !== E && !(pos[parent[v]] < pos[v])) throw new Error('tree: parent after child');
    }
    for (let e = 0; e < A; e++) if (lower[e] === 1 && flow[e] !== 0) throw new Error('flow: non-tree arc carries flow');
    const bal = new Float64Array(V);
    for (let e = 0; e < A; e++) {
      bal[src[e]] -= flow[e];
      bal[tgt[e]] += flow[e];
    }
    let totalS = 0;
    let totalD = 0;
    for (let i = 0; i < m; i++) {
      if (bal[i] !== -this.sourceSupply[i]) throw new Error('flow: supply not conserved');
      totalS += this.sourceSupply[i];
    }
    for (let j = 0; j < n; j++) {
      if (bal[m + j] !== this.sinkDemand[j]) throw new Error('flow: demand not conserved');
      totalD += this.sinkDemand[j];
    }
    if (bal[D] !== -totalD || bal[E] !== totalS) throw new Error('flow: dummy nodes not balanced');
  }
}

/** One-shot solve of a transportation problem. */
export function solveTransportation(problem: TransportationProblem, options: SolveOptions = {}): TransportationSolution {
  return new TransportationSolver(problem, options).solve();
}
