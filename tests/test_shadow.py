"""The VMCP's shadow translation tables (reference/vm/shadow.py): which spaces a VM
keeps when it needs room for another."""

from __future__ import annotations

from reference.vm.shadow import MAX_SHADOW_SPACES
from reference.vm.vmcp import VMCP

# A disabled wait at 0: the guest never runs; the tests drive its shadow spaces.
WAIT = bytes.fromhex("000A000000000000")


def _vm_with_full_spaces() -> tuple[VMCP, object, list[int], dict[int, int]]:
    cp = VMCP(real_storage=4 * 1024 * 1024)
    vm = cp.create_vm(WAIT, 64 * 1024)
    designations = [0x00100000 * (i + 1) for i in range(MAX_SHADOW_SPACES)]
    for std in designations:
        cp.shadow_tables.space(vm, std)
    return cp, vm, designations, dict(vm.shadows)


def test_a_new_secondary_space_never_drops_the_primary_loaded_with_it():
    # The real CR1 and CR7 are loaded together: making room for the secondary
    # space must leave the primary's tables where CR1 points.
    cp, vm, designations, before = _vm_with_full_spaces()
    primary = designations[0]
    at_primary, at_secondary = cp.shadow_tables.spaces(vm, primary, 0x0F000000)
    assert at_primary == before[primary] == vm.shadows[primary]
    assert at_secondary == vm.shadows[0x0F000000]
    assert at_secondary != at_primary


def test_a_new_primary_space_never_drops_the_secondary_in_use():
    cp, vm, designations, before = _vm_with_full_spaces()
    secondary = designations[0]
    at_primary, at_secondary = cp.shadow_tables.spaces(vm, 0x0F000000, secondary)
    assert at_secondary == before[secondary] == vm.shadows[secondary]
    assert at_primary != at_secondary


def test_without_a_secondary_space_making_room_drops_the_others():
    cp, vm, designations, _ = _vm_with_full_spaces()
    at_primary, at_secondary = cp.shadow_tables.spaces(vm, 0x0F000000, None)
    assert at_secondary == 0
    assert vm.shadows == {0x0F000000: at_primary}


def test_spaces_in_use_are_found_again_without_room_made():
    cp, vm, designations, before = _vm_with_full_spaces()
    assert cp.shadow_tables.spaces(vm, designations[1], designations[2]) == (
        before[designations[1]], before[designations[2]])
    assert vm.shadows == before
