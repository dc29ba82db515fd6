"""Tables (Markdown) and plots (PNG) from bench/results/*.json.

    python -m bench.report [--out bench/results] [--plot docs/benchmarks.png]
                           [--gateway-plot docs/benchmarks-gateway.png]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

MIB = 2**20


def _read(out: Path, name: str) -> Any:
    path = out / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else []


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x; returns (a, b, r squared)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx if sxx else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else 1.0


def tables(out: Path) -> str:
    lines: list[str] = []
    synth = _read(out, "synth")
    if synth:
        lines += ["| services | accounts | stacks | synth s (median) | peak RSS, process tree (MiB) "
                  "| largest process (MiB) |", "|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['services']} | {r['accounts']} | {r['stacks']} | {r['seconds_median']:.2f} | "
                  f"{r['peak_tree_rss_max'] / MIB:.0f} | {r['max_process_rss_max'] / MIB:.0f} |" for r in synth]
        if len(synth) > 2:
            a, b, r2 = linear_fit([r["services"] for r in synth], [r["seconds_median"] for r in synth])
            lines += ["", f"Synth time fit: {a:.2f} s + {b * 1000:.1f} ms per service (R² = {r2:.3f})."]
        lines.append("")
    engines = _read(out, "engines")
    if engines:
        names = list(engines[0]["engines"])
        lines += ["| services | " + " | ".join(f"{e} synth s (median) | {e} peak RSS tree / largest (MiB)"
                                           for e in names) + " |",
                  "|---:|" + "---:|---:|" * len(names)]
        lines += ["| " + str(r["services"]) + " | " + " | ".join(
            f"{r['engines'][e]['seconds_median']:.2f} | {r['engines'][e]['peak_tree_rss_max'] / MIB:.0f} / "
            f"{r['engines'][e]['max_process_rss_max'] / MIB:.0f}" for e in names) + " |" for r in engines]
        lines.append("")
    plan = _read(out, "plan")
    if plan:
        lines += ["| services | provider stacks | runs each | raw terraform s | crossgate s | ratio "
                  "| of which central check s | ratio without it | terraform CPU s, crossgate / raw |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['services']} | {r['provider_stacks']} | {len(r['raw_runs'])} | "
                  f"{r['raw_seconds_median']:.1f} | {r['crossgate_seconds_median']:.1f} | {r['overhead_ratio']:.3f} | "
                  f"{r['central_check_seconds_median']:.1f} | {r['overhead_ratio_provider_layer']:.3f} | "
                  + (f"{r['terraform_cpu_ratio']:.3f} |" if "terraform_cpu_ratio" in r else "n/a |")
                  for r in plan]
        lines.append("")
    deploy = _read(out, "deploy")
    if deploy:
        lines += ["| services | parallel s | sequential s | parallel / sequential | slowest provider + central s "
                  "| parallel apply / that | parallel apply: CPU busy | parallel apply / (CPU s ÷ cores) "
                  "| its CPU s: terraform / emulator / crossgate | cdktf deploy s |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in deploy:
            cdktf = r.get("cdktf") or {}
            shown = f"{cdktf['seconds']:.1f}" if cdktf.get("returncode") == 0 else (
                "failed" if "returncode" in cdktf else "not run")
            parallel = r["parallel"]
            busy, bound, parts = "n/a", "n/a", "n/a"  # rows measured before the CPU columns existed
            if "apply_cpu_utilization" in parallel:
                busy = f"{parallel['apply_cpu_utilization']:.0%}"
                bound = f"{parallel['apply_seconds'] / parallel['apply_cpu_bound_seconds']:.2f}"
            if "apply_cpu_by_part" in parallel:
                by_part = parallel["apply_cpu_by_part"]
                parts = " / ".join(f"{by_part[part]:.1f}" for part in ("terraform", "emulator", "crossgate"))
            lines.append(f"| {r['services']} | {parallel['seconds']:.1f} | {r['sequential']['seconds']:.1f} | "
                         f"{r['parallel_vs_sequential']:.2f} | {r['critical_path_seconds']:.1f} | "
                         f"{r['parallel_vs_critical_path']:.2f} | {busy} | {bound} | {parts} | {shown} |")
        lines.append("")
    lines += gateway_tables(out)
    return "\n".join(lines)


def gateway_tables(out: Path) -> list[str]:
    """The gateway step: direct vs gateway per level of concurrency, then the targets."""
    gateway = _read(out, "gateway")
    if not gateway:
        return []
    lines = ["| clients | requests | p50 ms direct / gateway (+Δ) | p99 ms direct / gateway | mean ms direct / gateway "
             "| req/s direct / gateway (ratio) | errors direct / gateway | CPU ms per request: service / emulator "
             "/ client, gateway |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in gateway["levels"]:
        d, g = row["direct"], row["gateway"]
        cpu = g.get("cpu_ms_per_request", {})
        per = " / ".join(f"{cpu[k]:.2f}" if cpu.get(k) is not None else "n/a"
                         for k in ("service", "emulator", "client"))
        lines.append(f"| {row['clients']} | {d['requests']} / {g['requests']} | {d['p50_ms']:.2f} / {g['p50_ms']:.2f} "
                     f"(+{g['p50_ms'] - d['p50_ms']:.2f}) | {d['p99_ms']:.2f} / {g['p99_ms']:.2f} | "
                     f"{d['mean_ms']:.2f} / {g['mean_ms']:.2f} | {d['throughput_rps']:.0f} / {g['throughput_rps']:.0f} "
                     f"({g['throughput_rps'] / d['throughput_rps']:.2f}) | {d['errors']} / {g['errors']} | {per} |")
    verdicts = gateway.get("targets", {})
    lines += ["", "| target | result |", "|---|---|"]
    if "p50_gateway_le_direct_plus_3ms" in verdicts:
        v = verdicts["p50_gateway_le_direct_plus_3ms"]
        lines.append(f"| gateway p50 ≤ direct p50 + 3 ms (1 client) | {'met' if v['met'] else 'missed'}: "
                     f"{v['gateway_p50_ms']:.2f} ms against ≤ {v['limit_ms']:.2f} ms |")
    if "throughput_8_clients_ge_half_direct" in verdicts:
        v = verdicts["throughput_8_clients_ge_half_direct"]
        lines.append(f"| gateway throughput ≥ 0.5 x direct at 8 clients | {'met' if v['met'] else 'missed'}: "
                     f"{v['ratio']:.2f} x |")
    if "zero_errors_32_clients" in verdicts:
        v = verdicts["zero_errors_32_clients"]
        lines.append(f"| zero errors at 32 clients | {'met' if v['met'] else 'missed'}: {v['errors_gateway']} "
                     f"through the gateway, {v['errors_direct']} direct |")
    floor = gateway.get("emulator_floor_1_client")
    if floor:
        lines += ["", f"Emulator floor, 1 client (`GET /_crossgate/workloads/targets`: the same HTTP server, no hop): "
                      f"p50 {floor['p50_ms']:.2f} ms, {floor['throughput_rps']:.0f} req/s, emulator CPU "
                      f"{floor['cpu_ms_per_request'].get('emulator') or 0:.2f} ms per request."]
    profile = gateway.get("profile") or {}
    if profile.get("buckets"):
        lines += ["", f"Emulator profile (py-spy --gil, {profile['samples']} samples, gateway at "
                      f"{profile.get('clients', 1)} client(s)):", "",
                  "| where the emulator's CPU goes | share |", "|---|---:|"]
        lines += [f"| {label} | {share:.0%} |" for label, share in profile["buckets"]]
    lines.append("")
    return lines


def plot(out: Path, target: Path) -> Path | None:
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed (pip install '.[bench]'): no plot", file=sys.stderr)
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    synth, plan, deploy = _read(out, "synth"), _read(out, "plan"), _read(out, "deploy")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    if synth:
        xs = [r["services"] for r in synth]
        left.plot(xs, [r["seconds_median"] for r in synth], "o-", label="synth")
    if plan:
        xs = [r["services"] for r in plan]
        left.plot(xs, [r["raw_seconds_median"] for r in plan], "s--", label="plan, raw terraform")
        left.plot(xs, [r["crossgate_seconds_median"] for r in plan], "s-", label="plan, crossgate")
    if deploy:
        xs = [r["services"] for r in deploy]
        left.plot(xs, [r["parallel"]["seconds"] for r in deploy], "^-", label="deploy, parallel")
        left.plot(xs, [r["sequential"]["seconds"] for r in deploy], "^--", label="deploy, sequential")
        ok = [r for r in deploy if (r.get("cdktf") or {}).get("returncode") == 0]
        if ok:
            left.plot([r["services"] for r in ok], [r["cdktf"]["seconds"] for r in ok], "v:", label="cdktf deploy")
    left.set(xlabel="services", ylabel="wall time (s)", title="time")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    if synth:
        xs = [r["services"] for r in synth]
        right.plot(xs, [r["peak_tree_rss_max"] / MIB for r in synth], "o-", label="synth, process tree (sum)")
        right.plot(xs, [r["max_process_rss_max"] / MIB for r in synth], "o--", label="synth, largest process")
        right.axhline(1024, color="red", lw=0.8, ls=":", label="target: 1 GiB")
    right.set(xlabel="services", ylabel="peak RSS (MiB)", title="synth memory", ylim=(0, None))
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110)
    plt.close(fig)
    return target


def plot_gateway(out: Path, target: Path) -> Path | None:
    """Latency (p50, p99) and throughput against concurrent clients, direct vs through the gateway."""
    gateway = _read(out, "gateway")
    if not gateway:
        return None
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = gateway["levels"]
    xs = [r["clients"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for side, colour in (("direct", "tab:blue"), ("gateway", "tab:orange")):
        left.plot(xs, [r[side]["p50_ms"] for r in rows], "o-", color=colour, label=f"{side} p50")
        left.plot(xs, [r[side]["p99_ms"] for r in rows], "s--", color=colour, label=f"{side} p99")
        right.plot(xs, [r[side]["throughput_rps"] for r in rows], "o-", color=colour, label=side)
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xticks(xs, [str(x) for x in xs])
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    left.set(xlabel="concurrent keep-alive clients", ylabel="latency (ms)", title="GET /employees latency",
             yscale="log")
    right.set(xlabel="concurrent keep-alive clients", ylabel="requests / s", title="throughput", ylim=(0, None))
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110)
    plt.close(fig)
    return target


def render(out: Path, target: Path, gateway_target: Path | None = None) -> str:
    drawn = [p for p in (plot(out, target),
                         plot_gateway(out, gateway_target or target.with_name(f"{target.stem}-gateway{target.suffix}")))
             if p is not None]
    return tables(out) + "".join(f"\nplot: {p}" for p in drawn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--plot", type=Path, default=Path("docs/benchmarks.png"))
    parser.add_argument("--gateway-plot", type=Path, default=Path("docs/benchmarks-gateway.png"))
    args = parser.parse_args(argv)
    print(render(args.out, args.plot, args.gateway_plot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
