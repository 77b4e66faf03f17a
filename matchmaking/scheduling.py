"""Placing accepted meetings into (slot, table): a pure function of its input, no database.

The problem: people are vertices, meetings are (hyper)edges between the requester, the recipient
and any colleagues sharing the meeting, slots are colours. A meeting needs one slot in which all
its people are available and free, every slot holds at most ``tables`` meetings, and nobody takes
part in more than ``max_per_person`` meetings. The scheduler maximises the number of meetings
placed; among placements of the same size it prefers mutual requests, then earlier ones.

How ``schedule()`` works:

1. **Published meetings stay.** A meeting in ``Problem.fixed`` keeps its (slot, table) when that
   is still valid (the slot exists, everybody is available then, nobody is double-booked or over
   the maximum, the table exists and is not taken); such meetings are never moved afterwards.
   The others, and those no longer valid, are placed like new ones (a meeting whose slot is
   still fine but whose table is not keeps its slot when it can).
2. **Greedy guided by the relaxation.** The fractional relaxation of ``upper_bound()`` (a
   maximum flow, see there) says which meetings a best choice within everybody's capacity would
   take: those it takes whole are placed first, then those it takes half, then the rest. The
   relaxation sees only the requester and the recipient, so within these groups a meeting comes
   later the more its people, colleagues included, are in demand beyond their maximum (a meeting
   of four people in demand can cost two meetings of two); equal ones in priority order (mutual
   first, then by ``order``). Each meeting goes into the free common slot that its people's
   other, still unplaced meetings need least (per-person counters of demand per slot), so that
   options stay open.
3. **Augmenting chains** (ejection chains, a generalisation of Kempe-chain swaps and of the
   augmenting paths of b-matching): to place a waiting meeting, put it in a slot where exactly
   one other meeting stands in its way (a person busy then, a full row of tables, or a person at
   their maximum), take that one out, and then place it elsewhere or place another waiting
   meeting of the people it freed, recursively with a bounded depth and a bounded number of
   steps.
4. **Ruin and recreate** (seeded): take out a few placed meetings (around a random placed one,
   or those in the way of a random waiting one, which goes in), then place the waiting meetings
   of the people freed that fit, in the greedy's order with some random spread, each in a
   random free slot; keep the change unless it lost a meeting. This finds the exchanges that
   meetings of three or four people need (one of them out, two meetings of two in), where one
   meeting often stands in the way of two.
5. **Seeded local search**: force a random waiting meeting into a random slot, push out what is
   in the way, re-place what can be re-placed by chains; keep the change unless it lost a
   meeting.
6. **Priority**: trade a placed meeting for a waiting one of higher priority where that keeps
   the count (a chain that ends by leaving out the lower-priority meeting).

Phases 3 to 5 stop as soon as the upper bound is reached, and 4 and 5 after a number of moves
without a gain.

Tables are numbered last, slot by slot in time order: published meetings keep theirs, and a
person with meetings in consecutive slots keeps their table when it is free (less walking).

Determinism: every input is put in a canonical form first, and every choice breaks ties on it:
meetings by priority (mutual, ``order``, id), the people of a meeting by id (requester and
recipient are named, so who is listed first does not matter), slots by id, unavailability as a
set per person; repeated people or slots count once. The time order of ``Problem.slots`` only
numbers the tables. The work limits are step counts, not seconds. So the same problem always
gives the same result whatever the order of its collections, and the same meetings in the same
slots whatever the order of its slots. Only an explicit ``time_limit`` can cut the search short
at a point that depends on the machine's speed.

Bitmasks: bit ``i`` of a mask stands for the ``i``-th slot in time order.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

NO_COMMON_AVAILABILITY = "no_common_availability"
REQUESTER_FULL = "requester_full"
RECIPIENT_FULL = "recipient_full"
BOTH_FULL = "both_full"
NO_FREE_SLOT = "no_free_slot"
REASONS = (NO_COMMON_AVAILABILITY, REQUESTER_FULL, RECIPIENT_FULL, BOTH_FULL, NO_FREE_SLOT)


@dataclass(frozen=True)
class Request:
    """One accepted meeting to place."""

    id: int  # the meeting's id, unique within a problem
    people: tuple[int, ...]  # everybody taking part (requester, recipient, colleagues), in any order
    order: int  # earlier requests have smaller values
    mutual: bool = False  # both sides asked for the meeting
    requester: int = 0
    recipient: int = 0


@dataclass(frozen=True)
class Problem:
    slots: tuple[int, ...]  # slot ids in time order (only the table numbers depend on that order)
    tables: int
    max_per_person: int | None  # None: no limit
    unavailable: Mapping[int, frozenset[int]]  # person id -> ids of the slots they cannot attend
    requests: tuple[Request, ...]
    # Meeting id -> (slot id, table number) as published: kept where still valid.
    fixed: Mapping[int, tuple[int, int]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass
class Result:
    placed: dict[int, tuple[int, int]]  # meeting id -> (slot id, table number 1..tables)
    unplaced: dict[int, str]  # meeting id -> reason code (one of REASONS)


# Work limits of the augmenting phase (steps, not seconds, so that results are reproducible).
CHAIN_DEPTHS = (2, 4, 7)  # successive passes, each deeper than the last
STEPS_PER_CHAIN = 200  # steps one search for a chain may take
# Steps all searches of each part of the improvement phase may take together: augmenting chains,
# local search, trading for priority.
CHAIN_STEPS = 20_000
RECREATE_STEPS = 25_000
LOCAL_SEARCH_STEPS = 20_000
EXCHANGE_STEPS = 20_000
BRANCH_CANDIDATES = 4  # waiting meetings tried per freed person in one step
LOCAL_SEARCH_SEED = 20261121
LOCAL_SEARCH_STALL = 10_000  # moves without a gain after which a random search gives up
RECREATE_SCAN = 24  # waiting meetings of one freed person looked at in one move (a random window)
RECREATE_NOISE = 0.5  # random spread added to the greedy's order when re-placing


def _bits(mask: int):
    """Yield the indices of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class _Budget(Exception):
    """Raised inside a search when its step budget or the time limit runs out."""


class _Model:
    """The mutable state of one scheduling run, on dense indices and bitmasks."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        # Canonical forms of every input, so that no result depends on the order of a collection.
        # Slots: the search numbers them by id (bit i is the i-th smallest id); the time order
        # given only serves the table numbers (a person keeps their table in consecutive slots)
        # and self-booking (earliest slot first). A repeated slot counts once.
        in_time_order = tuple(dict.fromkeys(problem.slots))
        self.slot_ids = tuple(sorted(in_time_order))
        self.slot_index = {slot: i for i, slot in enumerate(self.slot_ids)}
        self.time_order = [self.slot_index[slot] for slot in in_time_order]  # slot indices by time
        self.k = len(self.slot_ids)
        self.all_slots = (1 << self.k) - 1
        self.tables = max(0, problem.tables)

        # Meetings in priority order: mutual requests first, then earlier ones, then by id.
        requests = sorted(problem.requests, key=lambda r: (not r.mutual, r.order, r.id))
        self.requests = requests
        self.n = len(requests)
        # Requester and recipient default to the first two people (the only use of their order).
        self.named = [
            (r.requester or r.people[0], r.recipient or r.people[min(1, len(r.people) - 1)]) if r.people else (0, 0)
            for r in requests
        ]
        person_ids = sorted({p for r in requests for p in r.people} | {p for pair in self.named for p in pair if p})
        self.person_index = {p: i for i, p in enumerate(person_ids)}
        self.person_ids = person_ids
        m = len(person_ids)
        self.avail = [self.all_slots] * m
        for person, slots in problem.unavailable.items():
            index = self.person_index.get(person)
            if index is None:
                continue
            for slot in slots:
                bit = self.slot_index.get(slot)
                if bit is not None:
                    self.avail[index] &= ~(1 << bit)
        limit = problem.max_per_person
        self.cap = [self.k if limit is None else max(0, limit)] * m

        self.people: list[tuple[int, ...]] = []
        self.common: list[int] = []
        self.by_person: list[list[int]] = [[] for _ in range(m)]
        for r, request in enumerate(requests):
            # People of a meeting in the order of their ids: who is listed first does not matter.
            people = tuple(sorted({self.person_index[p] for p in request.people}))
            self.people.append(people)
            mask = self.all_slots if len(people) else 0
            for p in people:
                mask &= self.avail[p]
                self.by_person[p].append(r)
            self.common.append(mask)

        self.slot_of = [-1] * self.n
        self.table_of = [0] * self.n  # only set for locked (published and valid) meetings
        self.locked = [False] * self.n
        self.occ = [[-1] * self.k for _ in range(m)]  # person -> slot -> meeting there
        self.busy = [0] * m
        self.count = [0] * m
        self.load = [0] * self.k
        self.members: list[dict[int, None]] = [{} for _ in range(self.k)]  # slot -> meetings in it
        self.full_slots = 0 if self.tables else self.all_slots
        self.placed_count = 0
        self.log: list[tuple[int, int]] | None = None  # undo log of (meeting, previous slot)

    # -- elementary moves ------------------------------------------------------------------

    def place(self, r: int, s: int) -> None:
        self.slot_of[r] = s
        bit = 1 << s
        for p in self.people[r]:
            self.occ[p][s] = r
            self.busy[p] |= bit
            self.count[p] += 1
        self.load[s] += 1
        self.members[s][r] = None
        if self.load[s] >= self.tables:
            self.full_slots |= bit
        self.placed_count += 1
        if self.log is not None:
            self.log.append((r, -1))

    def remove(self, r: int) -> None:
        s = self.slot_of[r]
        self.slot_of[r] = -1
        bit = 1 << s
        for p in self.people[r]:
            self.occ[p][s] = -1
            self.busy[p] &= ~bit
            self.count[p] -= 1
        self.load[s] -= 1
        del self.members[s][r]
        self.full_slots &= ~bit
        self.placed_count -= 1
        if self.log is not None:
            self.log.append((r, s))

    def undo_to(self, mark: int) -> None:
        log = self.log
        self.log = None
        while len(log) > mark:
            r, previous = log.pop()
            if previous < 0:
                self.remove(r)
            else:
                self.place(r, previous)
        self.log = log

    def free_slots(self, r: int) -> int:
        """The slots where ``r`` could go now without moving anything (0 if someone is full)."""
        mask = self.common[r] & ~self.full_slots
        for p in self.people[r]:
            if self.count[p] >= self.cap[p]:
                return 0
            mask &= ~self.busy[p]
        return mask

    # -- phase 1: published meetings -------------------------------------------------------

    def lock_fixed(self) -> dict[int, int]:
        """Keep valid published placements; return meeting -> slot index to prefer for the rest."""
        fixed = self.problem.fixed
        preferred: dict[int, int] = {}
        taken: set[tuple[int, int]] = set()
        for r, request in enumerate(self.requests):
            if request.id not in fixed:
                continue
            slot, table = fixed[request.id]
            s = self.slot_index.get(slot)
            if s is None or not self.common[r] >> s & 1 or not self.people[r]:
                continue
            bit = 1 << s
            if any(self.busy[p] & bit or self.count[p] >= self.cap[p] for p in self.people[r]):
                continue
            if 1 <= table <= self.tables and (s, table) not in taken and self.load[s] < self.tables:
                self.place(s=s, r=r)
                self.locked[r] = True
                self.table_of[r] = table
                taken.add((s, table))
            else:
                preferred[r] = s
        return preferred

    # -- phase 2: greedy -------------------------------------------------------------------

    def greedy(self, preferred: dict[int, int]) -> None:
        """Place meetings one by one: first those the relaxation takes whole, then half, then the rest."""
        k = self.k
        self.bound, doubled = self.relaxation()
        # demand[p][s]: how many of p's meetings not yet considered could use slot s.
        demand = [[0] * k for _ in self.person_ids]
        for r in range(self.n):
            if self.slot_of[r] < 0:
                for s in _bits(self.common[r]):
                    for p in self.people[r]:
                        demand[p][s] += 1
        # The relaxation counts only the requester and the recipient: a meeting that also
        # needs colleagues in high demand comes later. Scarcity of a person: the share of the
        # meetings they are wanted in that their maximum leaves out (0 when all fit).
        wanted = [0] * len(self.person_ids)
        for r in range(self.n):
            if self.common[r]:
                for p in self.people[r]:
                    wanted[p] += 1
        scarcity = [max(0.0, 1 - self.cap[p] / w) if w else 0.0 for p, w in enumerate(wanted)]
        self.rank = [-doubled[r] + sum(scarcity[p] for p in self.people[r]) for r in range(self.n)]
        rank = self.rank
        order = list(preferred) + sorted((r for r in range(self.n) if r not in preferred), key=lambda r: rank[r])
        for r in order:
            if self.slot_of[r] >= 0:
                continue
            people = self.people[r]
            for s in _bits(self.common[r]):
                for p in people:
                    demand[p][s] -= 1
            mask = self.free_slots(r)
            if not mask:
                continue
            s = preferred.get(r, -1)
            if s < 0 or not mask >> s & 1:
                s = min(_bits(mask), key=lambda s: (sum(demand[p][s] for p in people), self.load[s], s))
            self.place(r, s)

    # -- phase 3: augmenting chains --------------------------------------------------------

    def best_free_slot(self, r: int, mask: int) -> int:
        """Among the free slots in ``mask``, the least used one (spreads meetings over the tables)."""
        return min(_bits(mask), key=lambda s: (self.load[s], s))

    def options(self, c: int, touched: set[int]):
        """Yield (slot, meeting to take out) pairs that would let ``c`` in with one removal."""
        people = self.people[c]
        full = [p for p in people if self.count[p] >= self.cap[p]]
        if len(full) > 1:
            return
        seen: set[int] = set()
        for s in _bits(self.common[c]):
            blocker = -1
            several = False
            for p in people:
                e = self.occ[p][s]
                if e >= 0:
                    if blocker >= 0 and e != blocker:
                        several = True
                        break
                    blocker = e
            if several:
                continue
            if blocker >= 0:
                if self.locked[blocker] or blocker in touched:
                    continue
                if full and full[0] not in self.people[blocker]:
                    continue
                yield s, blocker
            elif full:
                continue  # handled below: the full person must drop a meeting
            elif self.full_slots >> s & 1:
                # A full row of tables: move one meeting of this slot that can go elsewhere.
                for e in self.members[s]:
                    if e in seen or self.locked[e] or e in touched:
                        continue
                    others = self.common[e] & ~self.full_slots & ~(1 << s)
                    for p in self.people[e]:
                        others &= ~self.busy[p]
                    if others:
                        seen.add(e)
                        yield s, e
                        break
        if full:
            p = full[0]
            mask = self.common[c] & ~self.full_slots
            for q in people:
                if q != p:
                    mask &= ~self.busy[q]
            mask &= ~self.busy[p]
            if mask:
                s = self.best_free_slot(c, mask)
                # The full person's meetings, latest priority first: give up the least wanted.
                for e in sorted((e for e in self.occ[p] if e >= 0), reverse=True):
                    if not self.locked[e] and e not in touched:
                        yield s, e

    def waiting_of(self, people: tuple[int, ...], touched: set[int]) -> list[int]:
        found: list[int] = []
        for p in people:
            taken = 0
            for r in self.by_person[p]:
                if self.slot_of[r] < 0 and r not in touched and self.common[r]:
                    found.append(r)
                    taken += 1
                    if taken >= BRANCH_CANDIDATES:
                        break
        return found

    def chain(self, candidates: list[int], depth: int, touched: set[int], target: int, exchange: bool) -> bool:
        """Place one of ``candidates``, moving others as needed; True if it worked.

        In ``exchange`` mode only the last meeting taken out may stay out, and only when it has
        a lower priority than ``target`` (so the count stays and the priority improves).
        """
        for c in candidates:
            mask = self.free_slots(c)
            if mask:
                self.place(c, self.best_free_slot(c, mask))
                return True
        if depth == 0:
            return False
        for c in candidates:
            for s, e in list(self.options(c, touched)):
                self.steps -= 1
                if self.steps < 0:
                    raise _Budget
                mark = len(self.log)
                self.remove(e)
                self.place(c, s)
                touched.add(c)
                touched.add(e)
                if exchange:
                    mask = self.free_slots(e)
                    if mask:
                        self.place(e, self.best_free_slot(e, mask))
                        return True
                    if e > target:
                        return True
                    following = [e]
                else:
                    following = [e, *self.waiting_of(self.people[e], touched)]
                if self.chain(following, depth - 1, touched, target, exchange):
                    return True
                touched.discard(c)
                touched.discard(e)
                self.undo_to(mark)
        return False

    def out_of_work(self) -> bool:
        return self.total <= 0 or (self.deadline is not None and time.monotonic() > self.deadline)

    def improve(self, deadline: float | None) -> None:
        """Add meetings by augmenting chains, ruin and recreate and local search, then trade for priority."""
        self.deadline = deadline
        self.total = CHAIN_STEPS
        self.chains(exchange=False)
        self.total = RECREATE_STEPS
        self.recreate()
        self.total = LOCAL_SEARCH_STEPS
        self.local_search()
        self.total = EXCHANGE_STEPS
        self.chains(exchange=True)

    def chains(self, *, exchange: bool) -> None:
        version = 0  # successful chains so far: a failed search is only worth repeating after one
        failed: dict[tuple, int] = {}
        for depth in CHAIN_DEPTHS[-1:] if exchange else CHAIN_DEPTHS:
            for r in range(self.n):
                if self.slot_of[r] >= 0 or not self.common[r]:
                    continue
                if self.out_of_work() or (not exchange and self.placed_count >= self.bound):
                    return
                # Waiting meetings of one fully booked person all start their chains the same
                # way (that person gives up a meeting): when one failed, skip the others.
                full = tuple(p for p in self.people[r] if self.count[p] >= self.cap[p])
                if len(full) > 1:
                    continue
                key = (depth, full or r)
                if failed.get(key) == version:
                    continue
                self.steps = min(STEPS_PER_CHAIN, self.total)
                self.log = []
                try:
                    done = self.chain([r], depth, {r}, r, exchange)
                except _Budget:
                    done = False
                if done:
                    version += 1
                else:
                    self.undo_to(0)
                    failed[key] = version
                self.total -= min(STEPS_PER_CHAIN, self.total) - max(self.steps, 0)
                self.log = None

    def local_search(self) -> None:
        """Force a random waiting meeting in, then re-place what it pushed out; keep if no worse.

        Seeded, so reproducible; moves that keep the count are kept too, to leave plateaus.
        """
        # bandit: a seeded generator for a reproducible search, not for secrets.
        rng = random.Random(LOCAL_SEARCH_SEED)  # nosec B311
        best, stalled = self.placed_count, 0
        while not self.out_of_work() and self.placed_count < self.bound and stalled < LOCAL_SEARCH_STALL:
            self.total -= 1
            stalled += 1
            if self.placed_count > best:
                best, stalled = self.placed_count, 0
            r = -1
            for _ in range(200):
                candidate = rng.randrange(self.n)
                if self.slot_of[candidate] < 0 and self.common[candidate]:
                    r = candidate
                    break
            if r < 0:
                return
            before = self.placed_count
            self.steps = min(STEPS_PER_CHAIN, self.total)
            self.log = []
            try:
                done = self.forced_move(r, rng)
            except _Budget:
                done = False
            if not done or self.placed_count < before:
                self.undo_to(0)
            self.total -= min(STEPS_PER_CHAIN, self.total) - max(self.steps, 0)
            self.log = None

    def recreate(self) -> None:
        """Ruin and recreate: free a few people, re-place what fits; keep the change if no worse.

        Each move frees the people of a few placed meetings, either around a random placed
        meeting (it and one other meeting of each of its people) or to force a random waiting
        meeting into a random slot (out go the meetings in its way and, for each of its people
        at their maximum, another of theirs). Then the waiting meetings of the freed people that
        everybody has room for are placed in a random free slot, in the greedy's order with some
        random spread (only a window of the waiting meetings of very popular people, so that a
        move stays cheap). Meetings of three or four people need this: one of them often stands in
        the way of two meetings of two, which chains of single exchanges cannot see. Seeded, so
        reproducible; moves that keep the count are kept too, to leave plateaus.
        """
        # bandit: a seeded generator for a reproducible search, not for secrets.
        rng = random.Random(LOCAL_SEARCH_SEED)  # nosec B311
        count, cap, slot_of, common, people, rank = (
            self.count,
            self.cap,
            self.slot_of,
            self.common,
            self.people,
            self.rank,
        )
        best, stalled = self.placed_count, 0
        while not self.out_of_work() and self.placed_count < self.bound and stalled < LOCAL_SEARCH_STALL:
            self.total -= 1
            stalled += 1
            before = self.placed_count
            self.log = []
            freed = self.ruin(rng)
            if freed is None:
                self.undo_to(0)
                self.log = None
                continue
            candidates: set[int] = set()
            for p in freed:
                if count[p] >= cap[p]:
                    continue
                mine = self.by_person[p]
                if len(mine) > RECREATE_SCAN:
                    start = rng.randrange(len(mine))
                    mine = (mine[start:] + mine[:start])[:RECREATE_SCAN]
                for c in mine:
                    if slot_of[c] < 0 and common[c]:
                        for q in people[c]:
                            if count[q] >= cap[q]:
                                break
                        else:
                            candidates.add(c)
            for c in sorted(candidates, key=lambda c: rank[c] + RECREATE_NOISE * rng.random()):
                mask = self.free_slots(c)
                if mask:
                    slots = list(_bits(mask))
                    self.place(c, slots[rng.randrange(len(slots))])
            if self.placed_count < before:
                self.undo_to(0)
            elif self.placed_count > best:
                best, stalled = self.placed_count, 0
            self.log = None

    def ruin(self, rng: random.Random) -> set[int] | None:
        """Take a few meetings out for ``recreate()``; return the people freed (None: no move)."""
        removed: list[int] = []
        if rng.random() < 0.5:
            r = self.random_meeting(rng, placed=False)
            if r < 0:
                return None
            slots = list(_bits(self.common[r]))
            s = slots[rng.randrange(len(slots))]
            for p in self.people[r]:
                e = self.occ[p][s]
                if e >= 0 and e not in removed:
                    removed.append(e)
            for p in self.people[r]:
                if self.count[p] >= self.cap[p] and not any(p in self.people[e] for e in removed):
                    mine = [e for e in self.occ[p] if e >= 0]
                    if not mine:  # a maximum of 0
                        return None
                    removed.append(mine[rng.randrange(len(mine))])
            if self.full_slots >> s & 1 and not any(self.slot_of[e] == s for e in removed):
                row = list(self.members[s])
                if not row:  # no tables at all
                    return None
                removed.append(row[rng.randrange(len(row))])
            if any(self.locked[e] for e in removed):
                return None
            for e in removed:
                self.remove(e)
            self.place(r, s)
        else:
            r = self.random_meeting(rng, placed=True)
            if r < 0:
                return None
            removed.append(r)
            for p in self.people[r]:
                mine = [e for e in self.occ[p] if e >= 0 and not self.locked[e] and e not in removed]
                if mine:
                    removed.append(mine[rng.randrange(len(mine))])
            for e in removed:
                self.remove(e)
        return {p for e in removed for p in self.people[e]}

    def random_meeting(self, rng: random.Random, *, placed: bool) -> int:
        """A random placed meeting that can move, or a random waiting one that could be placed; -1 if none is found."""
        for _ in range(200):
            r = rng.randrange(self.n)
            if placed and self.slot_of[r] >= 0 and not self.locked[r]:
                return r
            if not placed and self.slot_of[r] < 0 and self.common[r]:
                return r
        return -1

    def forced_move(self, r: int, rng: random.Random) -> bool:
        slots = list(_bits(self.common[r]))
        s = slots[rng.randrange(len(slots))]
        ejected: list[int] = []
        for p in self.people[r]:
            e = self.occ[p][s]
            if e >= 0 and e not in ejected:
                if self.locked[e]:
                    return False
                ejected.append(e)
                self.remove(e)
        if self.full_slots >> s & 1:
            movable = [e for e in self.members[s] if not self.locked[e]]
            if not movable:
                return False
            e = movable[rng.randrange(len(movable))]
            ejected.append(e)
            self.remove(e)
        for p in self.people[r]:
            if self.count[p] >= self.cap[p]:
                movable = [e for e in self.occ[p] if e >= 0 and not self.locked[e]]
                if not movable:
                    return False
                e = movable[rng.randrange(len(movable))]
                ejected.append(e)
                self.remove(e)
        self.place(r, s)
        touched = {r, *ejected}
        for e in ejected:
            self.chain([e, *self.waiting_of(self.people[e], touched)], 2, touched, e, False)
        return True

    # -- the relaxation behind upper_bound(), also the greedy's guide --------------------

    def relaxation(self) -> tuple[int, list[int]]:
        """Return the upper bound and, per meeting, its fractional value doubled (0, 1 or 2)."""
        m = len(self.person_ids)
        feasible = [r for r in range(self.n) if self.common[r] and len(self.people[r]) >= 2]
        usable = [0] * m
        degree = [0] * m
        for r in feasible:
            for p in self.people[r]:
                usable[p] |= self.common[r]
                degree[p] += 1
        per_slot = sum(min(self.tables, sum(1 for mask in usable if mask >> s & 1) // 2) for s in range(self.k))
        capacity = [min(self.cap[p], usable[p].bit_count(), degree[p]) for p in range(m)]
        pairs = []
        for r in feasible:
            requester, recipient = self.named[r]
            a = self.person_index.get(requester, -1)
            b = self.person_index.get(recipient, -1)
            if a not in self.people[r] or b not in self.people[r] or a == b:
                a, b = self.people[r][0], self.people[r][1]
            pairs.append((a, b))
        total, values = _double_cover_flow(m, capacity, pairs)
        doubled = [0] * self.n
        for r, value in zip(feasible, values, strict=True):
            doubled[r] = value
        return min(len(feasible), per_slot, total // 2), doubled

    # -- tables and result -----------------------------------------------------------------

    def tables_and_result(self) -> Result:
        fixed = self.problem.fixed
        table_at: list[dict[int, int]] = [{} for _ in self.person_ids]  # person -> slot -> table
        placed: dict[int, tuple[int, int]] = {}
        previous = -1
        for s in self.time_order:
            meetings = list(self.members[s])
            used: set[int] = set()
            for r in meetings:
                if self.locked[r]:
                    used.add(self.table_of[r])
            later: list[int] = []
            for r in sorted(meetings):
                if self.locked[r]:
                    continue
                wishes: list[int] = []
                request = self.requests[r]
                if request.id in fixed and fixed[request.id][0] == self.slot_ids[s]:
                    wishes.append(fixed[request.id][1])
                for p in self.people[r]:
                    if previous in table_at[p]:
                        wishes.append(table_at[p][previous])
                table = next((t for t in wishes if 1 <= t <= self.tables and t not in used), 0)
                if table:
                    self.table_of[r] = table
                    used.add(table)
                else:
                    later.append(r)
            free = (t for t in range(1, self.tables + 1) if t not in used)
            for r in later:
                self.table_of[r] = next(free)
            for r in meetings:
                for p in self.people[r]:
                    table_at[p][s] = self.table_of[r]
                placed[self.requests[r].id] = (self.slot_ids[s], self.table_of[r])
            previous = s
        unplaced = {self.requests[r].id: self.reason(r) for r in range(self.n) if self.slot_of[r] < 0}
        return Result(placed=dict(sorted(placed.items())), unplaced=dict(sorted(unplaced.items())))

    def reason(self, r: int) -> str:
        if not self.common[r]:
            return NO_COMMON_AVAILABILITY

        def full(person: int) -> bool:
            p = self.person_index.get(person)
            return p is not None and (self.count[p] >= self.cap[p] or not self.avail[p] & ~self.busy[p])

        requester, recipient = (full(person) for person in self.named[r])
        if requester and recipient:
            return BOTH_FULL
        if requester:
            return REQUESTER_FULL
        if recipient:
            return RECIPIENT_FULL
        return NO_FREE_SLOT


def schedule(problem: Problem, *, time_limit: float | None = None) -> Result:
    """Place the meetings of ``problem``; see the module docstring for how.

    ``time_limit`` (seconds) stops the improvement phase early; without it the work is bounded
    by step counts only, so the result is reproducible on any machine.
    """
    deadline = None if time_limit is None else time.monotonic() + time_limit
    model = _Model(problem)
    preferred = model.lock_fixed()
    model.greedy(preferred)
    model.improve(deadline)
    return model.tables_and_result()


def first_come_first_served(problem: Problem) -> Result:
    """Self-booking as in most brokerage tools, the baseline the scheduler is measured against.

    Requests are booked one at a time in the order they were made (``order``, then id), each in
    the earliest slot free for everybody in it at a free table, and nothing is moved later.
    Valid published placements are kept as ``schedule()`` keeps them.
    """
    model = _Model(problem)
    model.lock_fixed()
    for r in sorted(range(model.n), key=lambda r: (model.requests[r].order, model.requests[r].id)):
        if model.slot_of[r] < 0:
            mask = model.free_slots(r)
            if mask:
                model.place(r, next(s for s in model.time_order if mask >> s & 1))
    return model.tables_and_result()


def upper_bound(problem: Problem) -> int:
    """A number of meetings that no schedule of ``problem`` can exceed (ignoring ``fixed``).

    The smallest of:

    - the meetings with at least one slot where all their people are available;
    - per slot, the tables, and half the people who could meet then (a meeting needs two), summed;
    - the fractional b-matching bound: each person can take part in at most
      ``min(max_per_person, slots they could use, meetings they could have)`` meetings; the
      largest fractional choice of meetings (each at most once) within these capacities is a
      maximum flow on the bipartite double cover (people on both sides, every meeting an arc
      each way with capacity 1), halved and rounded down. Meetings shared by colleagues count
      only their requester and recipient here, which can only make the bound larger, so it
      stays a true bound.
    """
    model = _Model(problem)
    bound, _ = model.relaxation()
    return bound


def _double_cover_flow(m: int, capacity: list[int], pairs: list[tuple[int, int]]) -> tuple[int, list[int]]:
    """Maximum flow source -> left person -> right person -> sink (Dinic's algorithm).

    Return the flow and, per pair, the flow over its two arcs (0, 1 or 2). Arcs are searched in
    the order of ``pairs``, so that earlier pairs get the flow when there is a choice.
    """
    source, sink = 2 * m, 2 * m + 1
    size = 2 * m + 2
    head = [-1] * size
    to: list[int] = []
    cap: list[int] = []
    nxt: list[int] = []

    def arc(u: int, v: int, c: int) -> None:
        to.append(v)
        cap.append(c)
        nxt.append(head[u])
        head[u] = len(to) - 1
        to.append(u)
        cap.append(0)
        nxt.append(head[v])
        head[v] = len(to) - 1

    for p in range(m):
        if capacity[p] > 0:
            arc(source, p, capacity[p])
            arc(m + p, sink, capacity[p])
    first_arc = len(to) + 4 * (len(pairs) - 1)
    # Adjacency lists are built by prepending: add the pairs last first.
    for a, b in reversed(pairs):
        arc(a, m + b, 1)
        arc(b, m + a, 1)

    total = 0
    while True:
        level = [-1] * size
        level[source] = 0
        queue = [source]
        for u in queue:
            e = head[u]
            while e >= 0:
                v = to[e]
                if cap[e] > 0 and level[v] < 0:
                    level[v] = level[u] + 1
                    queue.append(v)
                e = nxt[e]
        if level[sink] < 0:
            values = [2 - cap[first_arc - 4 * i] - cap[first_arc - 4 * i + 2] for i in range(len(pairs))]
            return total, values
        current = head[:]
        # Depth-first search for a blocking flow along the level graph, without recursion.
        while True:
            path: list[int] = []
            u = source
            while u != sink:
                e = current[u]
                while e >= 0 and not (cap[e] > 0 and level[to[e]] == level[u] + 1):
                    e = nxt[e]
                current[u] = e
                if e < 0:
                    if u == source:
                        break
                    level[u] = -1  # a dead end: not visited again in this phase
                    e = path.pop()
                    u = to[e ^ 1]
                    current[u] = nxt[current[u]]
                    continue
                path.append(e)
                u = to[e]
            if u != sink:
                break
            pushed = min(cap[e] for e in path)
            for e in path:
                cap[e] -= pushed
                cap[e ^ 1] += pushed
            total += pushed


def validate(problem: Problem, result: Result) -> list[str]:
    """Return every rule ``result`` breaks for ``problem`` (an empty list when it is valid)."""
    errors: list[str] = []
    requests = {r.id: r for r in problem.requests}
    slots = set(problem.slots)
    for meeting in sorted(set(result.placed) & set(result.unplaced)):
        errors.append(f"meeting {meeting} is both placed and unplaced")
    for meeting in sorted(set(requests) - set(result.placed) - set(result.unplaced)):
        errors.append(f"meeting {meeting} is missing from the result")
    for meeting in sorted((set(result.placed) | set(result.unplaced)) - set(requests)):
        errors.append(f"meeting {meeting} is not in the problem")
    for meeting, reason in sorted(result.unplaced.items()):
        if reason not in REASONS:
            errors.append(f"meeting {meeting} has an unknown reason {reason!r}")
    tables: dict[tuple[int, int], int] = {}
    person_slot: dict[tuple[int, int], int] = {}
    per_person: dict[int, int] = {}
    for meeting, (slot, table) in sorted(result.placed.items()):
        # bandit: `requests` is a dict of meeting requests here, not the HTTP library.
        request = requests.get(meeting)  # nosec B113
        if slot not in slots:
            errors.append(f"meeting {meeting} is in unknown slot {slot}")
        if not 1 <= table <= problem.tables:
            errors.append(f"meeting {meeting} has table {table}, outside 1..{problem.tables}")
        if (slot, table) in tables:
            errors.append(f"meetings {tables[slot, table]} and {meeting} share table {table} in slot {slot}")
        tables[slot, table] = meeting
        if request is None:
            continue
        for person in dict.fromkeys(request.people):
            if slot in problem.unavailable.get(person, ()):
                errors.append(f"meeting {meeting} is in slot {slot}, when person {person} is unavailable")
            if (person, slot) in person_slot:
                errors.append(f"person {person} has meetings {person_slot[person, slot]} and {meeting} in slot {slot}")
            person_slot[person, slot] = meeting
            per_person[person] = per_person.get(person, 0) + 1
    if problem.max_per_person is not None:
        for person, count in sorted(per_person.items()):
            if count > problem.max_per_person:
                errors.append(f"person {person} has {count} meetings, more than {problem.max_per_person}")
    return errors
