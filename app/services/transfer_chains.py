"""A transferred package and its successor are one liability (R38).

A transfer moves the remaining uses to a new package for another patient, with the same
expiry and the same per-use values (the new package's price is the value of the uses it
received, and R3's spread puts the extra cents on the last uses, so uses 1..m of the new
package are worth exactly what uses k+1..N of the original were). For the books nothing
happened: no sale, no use, no refund. So the liability loader (app/services/liability.py)
reads a chain of transfers as ONE package life: the original's price, uses and purchase, the
uses of every link, the expiry history of each link from the day it began, and the ending
(refund, void) of the last link. Revenue (R34) and the journal (R35) walk the same lives.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.liability import PackageLife
from ..models import PackageTransfer


def links(s: Session, ids) -> dict[int, int]:
    """from package id -> to package id, for every chain that touches `ids` (whole chains:
    a transfer of a transfer is followed both ways until nothing new is found)."""
    found: dict[int, int] = {}
    if s.scalar(select(PackageTransfer.id).limit(1)) is None:
        return found  # most clinics: no transfer ever, no look-up per package
    frontier = set(ids)
    seen: set[int] = set()
    while frontier:
        chunk = sorted(frontier - seen)[:900]
        if not chunk:
            break
        seen.update(chunk)
        frontier -= set(chunk)
        for a, b in s.execute(select(PackageTransfer.from_package_id,
                                     PackageTransfer.to_package_id)
                              .where(PackageTransfer.from_package_id.in_(chunk)
                                     | PackageTransfer.to_package_id.in_(chunk))):
            if a not in found:
                found[a] = b
                frontier.update({a, b} - seen)
    return found


def merge(lives: dict[int, PackageLife], chain_links: dict[int, int],
          end: date) -> list[PackageLife]:
    """The lives with each chain made one: named by its last link bought by `end` (the
    patient who holds it then), as the original otherwise."""
    successors = set(chain_links.values())
    merged = []
    for package_id, life in lives.items():
        if package_id in successors:
            continue  # taken in by its root below
        chain = [life]
        while chain[-1].package_id in chain_links:
            nxt = lives.get(chain_links[chain[-1].package_id])
            if nxt is None:
                break
            chain.append(nxt)
        if len(chain) == 1:
            merged.append(life)
            continue
        # (an imported package, R42, is in every period, even one before its purchase day:
        # then its first holder holds it)
        holder = ([link for link in chain if link.purchased_on <= end] or chain)[-1]
        last = chain[-1]
        merged.append(PackageLife(
            holder.package_id, life.template_id, life.price, life.uses, life.purchased_on,
            last.ended_on, last.ended_by,
            tuple(entry for link in chain for entry in link.expiry),
            sum(link.redeemed_before for link in chain),
            tuple(use for link in chain for use in link.redemptions), life.imported))
    return merged
