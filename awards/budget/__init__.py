"""The finance committee's award budget: cost lines, the approval, the print guard and the statuette list."""
