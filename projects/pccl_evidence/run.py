"""Show what PCCL does, at toy scale on CPU, for three kinds of teacher.

The stages, their configs and what they measure: README.md beside this
file. Examples:

    python projects/pccl_evidence/run.py --out-dir work_dirs/evidence \
        --teachers mae convmae
    python projects/pccl_evidence/run.py --teachers mae \
        --compare official=A/evidence.json bias=B/evidence.json
"""
from pccl_evidence.arguments import parse_args
from pccl_evidence.tables import compare_runs


def main() -> None:
    args = parse_args()
    if args.compare:
        print(compare_runs(args.compare, args.teachers[0]))
        return
    # torch and the stack load after parsing: --help answers at once
    from pccl_evidence.experiment import run
    run(args)


if __name__ == '__main__':
    main()
