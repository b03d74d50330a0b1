package handlers

import "github.com/gin-gonic/gin"

// StaffDeps are what the endpoints for clerks, supervisors and administrators (the web console) need.
type StaffDeps struct{}

// registerStaff lists the routes for clerks, supervisors and administrators (the web console).
func (h *Handler) registerStaff(r gin.IRouter) {}
