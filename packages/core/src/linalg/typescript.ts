import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import type { LinalgBackend } from './backend-interface';
import { mirrorUpper } from './mirror';

/**
 * Pure TypeScript linear algebra: the fallback when OpenBLAS/LAPACK cannot be
 * loaded. Loops are ordered for row-major memory (i-k-j), and every entry of a
 * product is accumulated in the same order whatever the matrix size, so tiled
 * and untiled kernels agree exactly. The symmetric eigensolver is ml-matrix's
 * (Householder tridiagonalisation + implicit QL, as in EISPACK tred2/tql2).
 */
export const typescriptBackend: LinalgBackend = {
  name: 'typescript',

  // Single-threaded already.
  holdOneThread: () => () => {},

  gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
    const bt = transB ? b : transposeCopy(b, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        if (transA) {
          for (let p = 0; p < k; p++) s += a[p * m + i] * bt[j * k + p];
        } else {
          const ai = i * k;
          const bj = j * k;
          for (let p = 0; p < k; p++) s += a[ai + p] * bt[bj + p];
        }
        c[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
      }
    }
  },

  syrk(n, k, a, c) {
    typescriptBackend.syrkUpper(n, k, a, c);
    mirrorUpper(c, n);
  },

  syrkUpper(n, k, a, c) {
    for (let i = 0; i < n; i++) {
      const ai = i * k;
      for (let j = i; j < n; j++) {
        const aj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * a[aj + p];
        c[i * n + j] = s;
      }
    }
  },

  syrkUpdate(n, k, alpha, a, beta, c) {
    for (let i = 0; i < n; i++) {
      const ai = i * k;
      for (let j = i; j < n; j++) {
        const aj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * a[aj + p];
        const v = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
        c[i * n + j] = v;
        c[j * n + i] = v;
      }
    }
  },

  syr2k(n, k, alpha, a, b, beta, c) {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p] + b[i * k + p] * a[j * k + p];
        const v = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
        c[i * n + j] = v;
        c[j * n + i] = v;
      }
    }
  },

  trmmRightLower(m, n, l, b) {
    // (B L)[i, j] = Σ_{p ≥ j} B[i, p] L[p, j]: increasing j only reads entries not yet overwritten.
    for (let i = 0; i < m; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = j; p < n; p++) s += b[row + p] * l[p * n + j];
        b[row + j] = s;
      }
    }
  },

  trsmRightLowerTrans(m, n, l, b) {
    // X Lᵀ = B row by row: X[i, j] = (B[i, j] − Σ_{p<j} X[i, p] L[j, p]) / L[j, j].
    for (let i = 0; i < m; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        let s = b[row + j];
        for (let p = 0; p < j; p++) s -= b[row + p] * l[j * n + p];
        b[row + j] = s / l[j * n + j];
      }
    }
  },

  pstrf(n, a, piv) {
    // Outer-product Cholesky, pivoting on the largest remaining diagonal entry;
    // stops, as LAPACK's dpstrf, when it falls below n·ε·max diag.
    for (let i = 0; i < n; i++) piv[i] = i;
    let maxDiag = 0;
    for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, a[i * n + i]);
    const tol = n * Number.EPSILON * maxDiag;
    let rank = n;
    for (let j = 0; j < n; j++) {
      let p = j;
      for (let i = j + 1; i < n; i++) if (a[i * n + i] > a[p * n + p]) p = i;
      if (!(a[p * n + p] > tol)) {
        rank = j;
        break;
      }
      if (p !== j) {
        swapRows(a, n, p, j);
        for (let i = 0; i < n; i++) {
          const t = a[i * n + p];
          a[i * n + p] = a[i * n + j];
          a[i * n + j] = t;
        }
        const t = piv[p];
        piv[p] = piv[j];
        piv[j] = t;
      }
      const d = Math.sqrt(a[j * n + j]);
      a[j * n + j] = d;
      for (let i = j + 1; i < n; i++) a[i * n + j] /= d;
      // Schur complement of the trailing block, both triangles (kept symmetric for the pivot swaps).
      for (let i = j + 1; i < n; i++) {
        const lij = a[i * n + j];
        for (let q = j + 1; q < n; q++) a[i * n + q] -= lij * a[q * n + j];
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = Math.min(i + 1, rank); j < n; j++) a[i * n + j] = 0;
    }
    return rank;
  },

  syevd(n, a, w) {
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) rows.push(Array.from(a.subarray(i * n, (i + 1) * n)));
    const e = new EigenvalueDecomposition(new MlMatrix(rows), { assumeSymmetric: true });
    const values = e.realEigenvalues;
    const vectors = e.eigenvectorMatrix;
    const order = values.map((_, i) => i).sort((p, q) => values[p] - values[q]);
    for (let j = 0; j < n; j++) {
      w[j] = values[order[j]];
      for (let i = 0; i < n; i++) a[i * n + j] = vectors.get(i, order[j]);
    }
  },

  potrf(n, a) {
    for (let j = 0; j < n; j++) {
      let d = a[j * n + j];
      for (let p = 0; p < j; p++) d -= a[j * n + p] * a[j * n + p];
      if (!(d > 0)) return j + 1;
      const ljj = Math.sqrt(d);
      a[j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let s = a[i * n + j];
        for (let p = 0; p < j; p++) s -= a[i * n + p] * a[j * n + p];
        a[i * n + j] = s / ljj;
      }
      for (let i = 0; i < j; i++) a[i * n + j] = 0;
    }
    return 0;
  },

  potrs(n, nrhs, l, b) {
    for (let r = 0; r < nrhs; r++) {
      // Forward substitution L y = b, then back substitution Lᵀ x = y.
      for (let i = 0; i < n; i++) {
        let s = b[i * nrhs + r];
        for (let p = 0; p < i; p++) s -= l[i * n + p] * b[p * nrhs + r];
        b[i * nrhs + r] = s / l[i * n + i];
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = b[i * nrhs + r];
        for (let p = i + 1; p < n; p++) s -= l[p * n + i] * b[p * nrhs + r];
        b[i * nrhs + r] = s / l[i * n + i];
      }
    }
  },

  gesv(n, nrhs, a, b) {
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let col = 0; col < n; col++) {
      let pivot = col;
      for (let i = col + 1; i < n; i++) {
        if (Math.abs(a[i * n + col]) > Math.abs(a[pivot * n + col])) pivot = i;
      }
      if (a[pivot * n + col] === 0) return col + 1;
      if (pivot !== col) {
        swapRows(a, n, pivot, col);
        swapRows(b, nrhs, pivot, col);
      }
      const d = a[col * n + col];
      for (let i = col + 1; i < n; i++) {
        const f = a[i * n + col] / d;
        if (f === 0) continue;
        a[i * n + col] = f;
        for (let j = col + 1; j < n; j++) a[i * n + j] -= f * a[col * n + j];
        for (let r = 0; r < nrhs; r++) b[i * nrhs + r] -= f * b[col * nrhs + r];
      }
    }
    for (let r = 0; r < nrhs; r++) {
      for (let i = n - 1; i >= 0; i--) {
        let s = b[i * nrhs + r];
        for (let j = i + 1; j < n; j++) s -= a[i * n + j] * b[j * nrhs + r];
        b[i * nrhs + r] = s / a[i * n + i];
      }
    }
    return 0;
  },
};

function transposeCopy(b: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[j * rows + i] = b[i * cols + j];
  }
  return out;
}

function swapRows(m: Float64Array, cols: number, i: number, j: number): void {
  for (let c = 0; c < cols; c++) {
    const t = m[i * cols + c];
    m[i * cols + c] = m[j * cols + c];
    m[j * cols + c] = t;
  }
}
